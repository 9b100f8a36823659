// The service's predictions are the `predict` program's, to the last bit, on the real data.
#include <catch2/catch.hpp>
#include <sstream>

#include "common/csv_reader.h"
#include "tasks/model/model.h"
#include "tasks/model/split.h"
#include "tests/e2e/serve/serve_test_support.h"

namespace {

// The numbers of the "predictions" array of an answer, as written.
std::vector<std::string> prediction_texts(const std::string& body) {
  std::size_t open = body.find("\"predictions\":[");
  std::size_t close = body.find(']', open);
  std::vector<std::string> out;
  std::istringstream in(body.substr(open + 15, close - open - 15));
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

void run_ok(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  test_util::ProcessResult r = test_util::run_process(argv, cwd);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("predictions from /predict equal the predict program's for every housing row",
          "[serve][e2e][housing]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  test_util::TempDir dir;
  run_ok({test_util::bin("clean").string(), "--input", housing.string(), "--output", "clean.csv"},
         dir.path());
  run_ok({test_util::bin("train").string(), "--input", "clean.csv", "--output", "trained.pkl",
          "--target", "median_house_value"},
         dir.path());
  run_ok({test_util::bin("predict").string(), "--model", "trained.pkl", "--input", "clean.csv",
          "--output", "predictions.csv"},
         dir.path());
  std::vector<std::string> expected = test_util::read_lines(dir / "predictions.csv");
  expected.erase(expected.begin());  // the header
  REQUIRE(expected.size() == 20433);

  serve_test::ServeProcess serve({"--model", (dir / "trained.pkl").string()}, dir.path());
  serve_test::HttpClient client(serve.port());

  // Every row, as CSV.
  serve_test::HttpResponse csv =
      client.post("/predict", "text/csv", test_util::read_text(dir / "clean.csv"));
  REQUIRE(csv.status == 200);
  CHECK(prediction_texts(csv.body) == expected);

  // The test rows of the model's split, as a JSON array of objects with JSON numbers.
  tasks::Model model = tasks::load_model(dir / "trained.pkl");
  common::CsvReader reader(dir / "clean.csv");
  REQUIRE(reader.next());
  std::vector<std::string> header(reader.fields().begin(), reader.fields().end());
  std::string body = "[";
  std::vector<std::string> expected_test;
  for (std::uint64_t row = 0; reader.next(); ++row) {
    if (!tasks::is_test_row(model.hyperparameters.seed, row, model.hyperparameters.test_fraction))
      continue;
    std::string object = "{";
    for (std::size_t c = 0; c < header.size(); ++c) {
      bool categorical = header[c] == "ocean_proximity";
      object += (c > 0 ? ",\"" : "\"") + header[c] + "\":" +
                (categorical ? "\"" + std::string(reader.fields()[c]) + "\""
                             : std::string(reader.fields()[c]));
    }
    body += (expected_test.empty() ? "" : ",") + object + "}";
    expected_test.push_back(expected[row]);
  }
  body += "]";
  REQUIRE(expected_test.size() == 4113);
  serve_test::HttpResponse json = client.post("/predict", "application/json", body);
  REQUIRE(json.status == 200);
  CHECK(prediction_texts(json.body) == expected_test);
}
