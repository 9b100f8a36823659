#include "common/csv_shape.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"
#include "tests/support/test_util.h"

using common::CsvReader;
using test_util::TempDir;

namespace {

// The message a DataError carries when `check` throws one; empty when it throws nothing.
template <typename F>
std::string data_error_of(F check) {
  try {
    check();
  } catch (const common::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("read_header_row returns the first record's names") {
  TempDir dir;
  test_util::write_text(dir / "in.csv", "a,b\n1,2\n");
  CsvReader reader(dir / "in.csv", {}, "in.csv");
  CHECK(common::read_header_row(reader) == std::vector<std::string>{"a", "b"});
  CHECK(reader.line() == 1);
}

TEST_CASE("read_header_row refuses an empty file naming it") {
  TempDir dir;
  test_util::write_text(dir / "in.csv", "");
  CsvReader reader(dir / "in.csv", {}, "in.csv");
  CHECK(data_error_of([&] { common::read_header_row(reader); }) ==
        "in.csv: empty file: expected a header row");
}

TEST_CASE(
    "check_width accepts a record of the header's width and names file, line and counts "
    "otherwise") {
  TempDir dir;
  test_util::write_text(dir / "in.csv", "a,b\n1,2\n1,2,3\n");
  CsvReader reader(dir / "in.csv", {}, "in.csv");
  std::size_t width = common::read_header_row(reader).size();
  REQUIRE(reader.next());
  CHECK(data_error_of([&] { common::check_width(reader, width); }).empty());
  REQUIRE(reader.next());
  CHECK(common::wrong_width_message(reader, width) == "in.csv:3: expected 2 fields, found 3");
  CHECK(data_error_of([&] { common::check_width(reader, width); }) ==
        "in.csv:3: expected 2 fields, found 3");
  CHECK(data_error_of([&] { common::check_width(reader, width, " (use --x)"); }) ==
        "in.csv:3: expected 2 fields, found 3 (use --x)");
}
