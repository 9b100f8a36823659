#include "tasks/report/data_profile.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tasks/model/split.h"
#include "tests/support/test_util.h"
#include "tests/unit/tasks/report/report_fixture.h"

using tasks::ColumnRole;
using tasks::DataProfile;
using tasks::profile_data;
using test_util::TempDir;
using test_util::write_text;

namespace {

DataProfile profile(const std::string& content, tasks::ProfileOptions options = {}) {
  TempDir dir;
  write_text(dir / "clean.csv", content);
  return profile_data(report_fixture::model(), dir / "clean.csv", options);
}

std::string profile_error(const std::string& content) {
  TempDir dir;
  write_text(dir / "clean.csv", content);
  try {
    profile_data(report_fixture::model(), dir / "clean.csv");
  } catch (const common::DataError& e) {
    std::string message = e.what();
    return message.substr((dir / "clean.csv").string().size());
  }
  return "no error";
}

}  // namespace

TEST_CASE("the profile uses the model's split", "[data_profile]") {
  DataProfile p = profile(report_fixture::data());
  std::int64_t test = 0;
  for (std::uint64_t i = 0; i < 8; ++i) test += tasks::is_test_row(5, i, 0.5) ? 1 : 0;
  REQUIRE(p.rows == 8);
  REQUIRE(p.rows_test == test);
  REQUIRE(test == 4);
  REQUIRE(p.rows_train == 8 - test);
  REQUIRE(p.sample.size() == static_cast<std::size_t>(test));
}

TEST_CASE("the profile describes each column by its role and type", "[data_profile]") {
  DataProfile p = profile(report_fixture::data());
  REQUIRE(p.columns.size() == 4);
  REQUIRE(p.columns[0].role == ColumnRole::kFeature);
  REQUIRE(p.columns[0].numeric.min == 0);
  REQUIRE(p.columns[0].numeric.max == 7);
  REQUIRE(p.columns[0].numeric.mean == 3.5);
  REQUIRE(p.columns[0].numeric.std == Approx(std::sqrt(5.25)).epsilon(1e-15));
  REQUIRE(p.columns[1].categories.size() == 3);
  REQUIRE(p.columns[1].categories[0].value == "a");
  REQUIRE(p.columns[1].categories[0].count == 4);
  REQUIRE(p.columns[1].categories[2].value == "c");
  REQUIRE(p.columns[2].role == ColumnRole::kTarget);
  REQUIRE(p.columns[3].role == ColumnRole::kUnused);
}

TEST_CASE("every row's error is its actual value minus its prediction", "[data_profile]") {
  DataProfile p = profile(report_fixture::data());
  // Rows 0-4, 6, 7 are predicted 1 too low; row 5 (unseen "c": 1 + 2 * 3 = 7) also 1 too low.
  REQUIRE(p.test.mae() == 1);
  REQUIRE(p.train.mae() == 1);
  REQUIRE(p.residual_min == 1);
  REQUIRE(p.residual_max == 1);
  REQUIRE(p.errors_by_category.size() == 1);
  REQUIRE(p.errors_by_category[0].feature == "g");
  for (const tasks::CategoryError& c : p.errors_by_category[0].categories) {
    REQUIRE(c.in_model == (c.value != "c"));
  }
}

TEST_CASE("categories beyond the tracking limit are counted apart", "[data_profile]") {
  tasks::ProfileOptions options;
  options.max_categories = 2;
  DataProfile p = profile(report_fixture::data(), options);
  REQUIRE(p.columns[1].distinct == 2);
  REQUIRE(p.columns[1].other_rows == 1);
}

TEST_CASE("the scatter sample is bounded and the same on every run", "[data_profile]") {
  std::string content = "x,g,y,note\n";
  for (int i = 0; i < 500; ++i) content += std::to_string(i) + ",a," + std::to_string(i) + ",n\n";
  tasks::ProfileOptions options;
  options.max_points = 50;
  DataProfile first = profile(content, options);
  DataProfile second = profile(content, options);
  REQUIRE(first.rows_test > 200);
  REQUIRE(first.sample.size() == 50);
  for (std::size_t i = 0; i < 50; ++i) REQUIRE(first.sample[i].actual == second.sample[i].actual);
}

TEST_CASE("data that does not fit the model is a data error", "[data_profile]") {
  REQUIRE(profile_error("") == ": empty file: expected a header row");
  REQUIRE(profile_error("x,g,y\n") == ": no data rows (header only)");
  REQUIRE(profile_error("x,y\n1,2\n") ==
          ": missing column \"g\" needed by the model; columns: x, y");
  REQUIRE(profile_error("x,g\n1,a\n") ==
          ": missing column \"y\" (the model's target); columns: x, g");
  REQUIRE(profile_error("x,g,y\n1,a\n") == ":2: expected 3 fields, found 2");
  REQUIRE(profile_error("x,g,y\n1,a,lots\n") ==
          ":2: column \"y\": expected a number, got \"lots\"");
  REQUIRE(profile_error("x,g,y\none,a,1\n") == ":2: column \"x\": expected a number, got \"one\"");
}

TEST_CASE("histogram bins have a nice width and cover the range", "[data_profile]") {
  tasks::Histogram h = tasks::Histogram::covering(-380, 560, 40);
  REQUIRE(h.width == 25);
  REQUIRE(h.start == -400);
  REQUIRE(h.start + h.width * static_cast<double>(h.counts.size()) > 560);
  h.add(-400);
  h.add(560);
  h.add(-401);  // outside: clamped to the first bin
  REQUIRE(h.counts.front() == 2);
  REQUIRE(h.counts.back() == 1);
  tasks::Histogram one = tasks::Histogram::covering(3, 3, 40);
  one.add(3);
  REQUIRE(one.counts.size() > 1);
}
