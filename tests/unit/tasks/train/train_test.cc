#include "tasks/train/train.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "common/number.h"
#include "common/sha256.h"
#include "tasks/model/error_stats.h"
#include "tasks/model/predict.h"
#include "tasks/model/split.h"
#include "tests/support/test_util.h"

using tasks::train;
using tasks::TrainOptions;
using test_util::TempDir;
using test_util::write_text;

namespace {

// y = 2x + (city == "b" ? 3 : 0) + a little noise, 60 rows.
std::string small_table() {
  std::string out = "x,city,y\n";
  for (int i = 0; i < 60; ++i) {
    double x = i * 0.5;
    const char* city = i % 3 == 0 ? "b" : "a";
    double y = 2 * x + (i % 3 == 0 ? 3 : 0) + ((i * 7) % 5) * 0.1;
    out += common::format_number(x) + "," + city + "," + common::format_number(y) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("alpha must be a number of at least 0", "[train]") {
  REQUIRE(tasks::parse_alpha("0") == 0);
  REQUIRE(tasks::parse_alpha("2.5") == 2.5);
  REQUIRE_THROWS_AS(tasks::parse_alpha("-1"), common::UsageError);
  REQUIRE_THROWS_WITH(tasks::parse_alpha("-1"), "invalid --alpha -1: expected a number >= 0");
  REQUIRE_THROWS_WITH(tasks::parse_alpha("nan"), "invalid --alpha nan: expected a number >= 0");
  REQUIRE_THROWS_WITH(tasks::parse_alpha("big"), "invalid --alpha big: expected a number >= 0");
}

TEST_CASE("the test fraction must be at least 0 and below 1", "[train]") {
  REQUIRE(tasks::parse_test_fraction("0") == 0);
  REQUIRE(tasks::parse_test_fraction("0.999") == 0.999);
  REQUIRE_THROWS_WITH(tasks::parse_test_fraction("1.5"),
                      "invalid --test-fraction 1.5: expected a number in [0, 1)");
  REQUIRE_THROWS_WITH(tasks::parse_test_fraction("1"),
                      "invalid --test-fraction 1: expected a number in [0, 1)");
  REQUIRE_THROWS_WITH(tasks::parse_test_fraction("-0.1"),
                      "invalid --test-fraction -0.1: expected a number in [0, 1)");
}

TEST_CASE("the seed is an unsigned 64-bit integer", "[train]") {
  REQUIRE(tasks::parse_seed("42") == 42);
  REQUIRE(tasks::parse_seed("18446744073709551615") == UINT64_MAX);
  const char* message = "invalid --seed %s: expected an integer in [0, 18446744073709551615]";
  for (const char* bad : {"-1", "18446744073709551616", "4.2", "", "0x10"}) {
    char expected[200];
    std::snprintf(expected, sizeof expected, message, bad);
    REQUIRE_THROWS_WITH(tasks::parse_seed(bad), expected);
  }
}

TEST_CASE("training records metrics that its own predictions reproduce", "[train]") {
  TempDir dir;
  write_text(dir / "clean.csv", small_table());
  TrainOptions options{dir / "clean.csv", "y", {0.1, 3, 0.3}};
  tasks::TrainResult result = train(options);
  const tasks::Model& m = result.model;
  REQUIRE(result.passes == 2);
  REQUIRE(m.training_data.sha256 == common::sha256_file(dir / "clean.csv"));
  REQUIRE(m.training_data.rows == 60);
  REQUIRE(m.metrics.train.rows + m.metrics.test.rows == 60);
  REQUIRE(m.features[1].categories == std::vector<std::string>{"a", "b"});

  tasks::ErrorStats test;
  std::vector<std::string> lines = test_util::read_lines(dir / "clean.csv");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!tasks::is_test_row(3, i - 1, 0.3)) continue;
    std::string line = lines[i];
    std::size_t a = line.find(','), b = line.rfind(',');
    std::vector<std::string_view> fields = {std::string_view(line).substr(0, a),
                                            std::string_view(line).substr(a + 1, b - a - 1),
                                            std::string_view(line).substr(b + 1)};
    test.add(std::stod(line.substr(b + 1)), tasks::predict_fields(m, {0, 1}, fields, "row", 1));
  }
  REQUIRE(test.count() == m.metrics.test.rows);
  REQUIRE(test.rmse() == Approx(m.metrics.test.rmse).epsilon(1e-12));
  REQUIRE(test.r2() == Approx(m.metrics.test.r2).epsilon(1e-12));
  REQUIRE(m.metrics.test.r2 > 0.99);
}

TEST_CASE("training twice gives the same model document", "[train]") {
  TempDir dir;
  write_text(dir / "clean.csv", small_table());
  TrainOptions options{dir / "clean.csv", "y", {}};
  REQUIRE(tasks::model_document(train(options).model) ==
          tasks::model_document(train(options).model));
}

TEST_CASE("a table of categorical features only trains a one-hot model", "[train]") {
  TempDir dir;
  write_text(dir / "clean.csv", "city,kind,y\na,x,1\nb,x,2\na,y,3\nb,y,4\na,x,1\nb,y,4\n");
  TrainOptions options{dir / "clean.csv", "y", {1.0, 42, 0.0}};
  tasks::Model m = train(options).model;
  REQUIRE(tasks::design_width(m) == 4);
  REQUIRE(m.metrics.train.rows == 6);
  REQUIRE(std::isnan(m.metrics.test.rmse));
  REQUIRE(std::isnan(m.metrics.baseline_test_rmse));
  REQUIRE(m.metrics.train.r2 > 0.5);
}

TEST_CASE("a split with no training row is an error", "[train]") {
  TempDir dir;
  write_text(dir / "clean.csv", "x,y\n1,2\n");
  // splitmix64(42) / 2^64 is about 0.74: row 0 is a test row for fractions above it.
  TrainOptions options{dir / "clean.csv", "y", {1.0, 42, 0.9}};
  REQUIRE_THROWS_AS(train(options), common::DataError);
  REQUIRE_THROWS_WITH(
      train(options),
      (dir / "clean.csv").string() +
          ": no training rows: all 1 data rows fall in the test split "
          "(--test-fraction 0.9, --seed 42); use a smaller --test-fraction or more data");
}
