#include "tasks/train/data_scan.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/support/test_util.h"

using tasks::DataScan;
using tasks::FeatureType;
using tasks::scan_data;
using test_util::TempDir;
using test_util::write_text;

namespace {

// Scans `content` as data.csv in a fresh directory, every row a training row.
DataScan scan(const std::string& content, const std::string& target = "y") {
  TempDir dir;
  write_text(dir / "data.csv", content);
  return scan_data(dir / "data.csv", target, 42, 0.0);
}

std::string scan_error(const std::string& content, const std::string& target = "y") {
  TempDir dir;
  write_text(dir / "data.csv", content);
  try {
    scan_data(dir / "data.csv", target, 42, 0.0);
  } catch (const common::DataError& e) {
    std::string message = e.what();
    std::string prefix = (dir / "data.csv").string();
    return message.rfind(prefix, 0) == 0 ? "data.csv" + message.substr(prefix.size()) : message;
  }
  return "no error";
}

}  // namespace

TEST_CASE("a column is numeric when every value is a finite number", "[data_scan]") {
  DataScan s = scan("a,b,y,c\n1,x,2,one\n2.5,3,4,1\n");
  REQUIRE(s.types == std::vector<FeatureType>{FeatureType::kNumeric, FeatureType::kCategorical,
                                              FeatureType::kNumeric, FeatureType::kCategorical});
  REQUIRE(s.target == 2);
  REQUIRE(s.numeric_columns == std::vector<std::size_t>{0, 2});
  REQUIRE(s.categorical_columns == std::vector<std::size_t>{1, 3});
  REQUIRE(s.passes == 1);
}

TEST_CASE("a column that turns categorical after its first rows costs another pass",
          "[data_scan]") {
  DataScan s = scan("a,y\n1,1\n2,2\nthree,3\n");
  REQUIRE(s.types[0] == FeatureType::kCategorical);
  REQUIRE(s.passes == 2);
  REQUIRE(s.categories[0].size() == 3);
  REQUIRE(s.rows_train == 3);
}

TEST_CASE("categories are kept in byte order with their counts and sums", "[data_scan]") {
  DataScan s = scan("c,y\nb,1\na,2\nb,3\nB,4\n");
  REQUIRE(s.categories[0].size() == 3);
  REQUIRE(s.categories[0][0].value == "B");
  REQUIRE(s.categories[0][1].value == "a");
  REQUIRE(s.categories[0][2].value == "b");
  REQUIRE(s.categories[0][2].count == 2);
  // Target sums shifted by the first row's target (1): (1 - 1) + (3 - 1).
  REQUIRE(s.categories[0][2].sums == std::vector<double>{2});
}

TEST_CASE("only training rows feed the statistics", "[data_scan]") {
  TempDir dir;
  std::string content = "x,y\n";
  for (int i = 0; i < 100; ++i) content += std::to_string(i) + "," + std::to_string(2 * i) + "\n";
  write_text(dir / "data.csv", content);
  DataScan s = scan_data(dir / "data.csv", "y", 42, 0.5);
  REQUIRE(s.rows == 100);
  REQUIRE(s.rows_train + s.rows_test == 100);
  REQUIRE(s.rows_test > 30);
  REQUIRE(s.rows_train > 30);
}

TEST_CASE("co-occurring categories of two columns are counted", "[data_scan]") {
  DataScan s = scan("c,d,y\nb,u,1\na,v,2\nb,v,3\nb,u,4\n");
  const auto& pairs = s.pairs.at(DataScan::pair_key(0, 1));
  // (b, u) is category 1 of c and 0 of d.
  REQUIRE(pairs.at((std::uint64_t{1} << 32) | 0) == 2);
  REQUIRE(pairs.at((std::uint64_t{0} << 32) | 1) == 1);
  REQUIRE(pairs.count((std::uint64_t{0} << 32) | 0) == 0);
}

TEST_CASE("bad tables are data errors naming the file and line", "[data_scan]") {
  REQUIRE(scan_error("") == "data.csv: empty file: expected a header row");
  REQUIRE(scan_error("x,y\n") == "data.csv: no data rows (header only)");
  REQUIRE(scan_error("x,y,x\n1,2,3\n") ==
          "data.csv:1: duplicate column name \"x\" (columns 1 and 3)");
  REQUIRE(scan_error("a,b\n1,2\n", "price") ==
          "data.csv: no column \"price\" (--target); columns: a, b");
  REQUIRE(scan_error("x,y\n1,2\n1,2,3\n") == "data.csv:3: expected 2 fields, found 3");
  REQUIRE(
      scan_error("x,y\n1,2\n,2\n") ==
      "data.csv:3: column \"x\": missing value \"\" (train expects cleaned data; run clean first)");
  REQUIRE(scan_error("x,y\n1,NA\n") ==
          "data.csv:2: column \"y\": missing value \"NA\" (train expects cleaned data; run clean "
          "first)");
  REQUIRE(scan_error("x,y\n1,cheap\n") ==
          "data.csv:2: column \"y\" (--target): expected a number, got \"cheap\"");
  REQUIRE(scan_error("x,y\n1,2\n1,3\n1,lots\n") ==
          "data.csv:4: column \"y\" (--target): expected a number, got \"lots\"");
  // clean's type rule (common/csv_columns.h): a non-finite number drops its row there, so
  // train refuses one in any column rather than type the column differently.
  REQUIRE(scan_error("x,y\n1,inf\n") ==
          "data.csv:2: column \"y\": non-finite number \"inf\" (train expects cleaned data; run "
          "clean first)");
  REQUIRE(scan_error("c,y\na,1\nb,2\n-inf,3\n") ==
          "data.csv:4: column \"c\": non-finite number \"-inf\" (train expects cleaned data; run "
          "clean first)");
  REQUIRE(scan_error("x,y\n1,2\n1e999,3\n") ==
          "data.csv:3: column \"x\": non-finite number \"1e999\" (train expects cleaned data; run "
          "clean first)");
}
