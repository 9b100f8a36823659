// Regression tests for what the libFuzzer targets (tests/fuzz/) found. Each crashing input
// is also kept in its target's seed corpus, so the fuzzer replays it first.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <charconv>

#include "common/json_util.h"
#include "tasks/model/model.h"
#include "tests/support/test_util.h"

// fuzz_model_loader, crash 61574ad0: an intercept written with 100 digits was read one ulp
// off by Boost.JSON 1.81, so the document did not read back as it was written.
TEST_CASE("a model document with a long number reads back exactly as written", "[fuzz][model]") {
  std::string text = test_util::read_text(
      test_util::source("tests/fuzz/corpus/fuzz_model_loader/regression_long_intercept"));
  tasks::Model model =
      tasks::model_from_json(common::parse_json(text, "trained.pkl"), "trained.pkl");
  std::string first = tasks::model_document(model);
  CHECK(first.find("\"intercept\": 122.22222222222223,\n") != std::string::npos);
  tasks::Model again = tasks::model_from_json(common::parse_json(first, "again"), "again");
  CHECK(again.intercept == model.intercept);
  CHECK(tasks::model_document(again) == first);
}

TEST_CASE("JSON numbers in shortest round-trip form read back to the same double", "[fuzz][json]") {
  // Each of these came back one ulp off through Boost.JSON 1.81's own parser.
  for (std::string text : {"-957951.5431665459", "1.3927926388013963e-143",
                           "5.409760742964738e+124", "1.917377330098547e+208", "122.22222222222221",
                           "122.2222222222222222222222222222222222222222"}) {
    INFO(text);
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    boost::json::value v = common::parse_json("[" + text + "]", "numbers.json");
    CHECK(v.as_array()[0].as_double() == expected);
  }
}
