#include "tasks/clean/input_shape.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"
#include "tests/support/test_util.h"

using test_util::TempDir;

namespace {

struct Input {
  TempDir dir;
  tasks::CleanOptions options;
  explicit Input(const std::string& content, char delimiter = ',') {
    options.input = dir / "in.csv";
    options.delimiter = delimiter;
    test_util::write_text(options.input, content);
  }
};

// The message of the DataError reading the header throws; empty when it throws nothing.
std::string header_error(const Input& input) {
  common::CsvReader reader(input.options.input, tasks::csv_options(input.options), "in.csv");
  try {
    tasks::read_clean_header(reader, input.options);
  } catch (const common::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("clean's header check returns the names of a good header", "[clean][shape]") {
  Input input("a;b\n1;2\n", ';');
  common::CsvReader reader(input.options.input, tasks::csv_options(input.options), "in.csv");
  CHECK(tasks::read_clean_header(reader, input.options) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("clean's header check names the file, line and column of each refusal",
          "[clean][shape]") {
  CHECK(header_error(Input("")) == "in.csv: empty file: expected a header row");
  CHECK(header_error(Input("a,,c\n1,2,3\n")) == "in.csv:1: column 2 has an empty name");
  CHECK(header_error(Input("a,b\x01\n1,2\n")) ==
        "in.csv:1: column 2 of the header holds the control byte 0x01: not a CSV text file");
  CHECK(header_error(Input("a,b,a\n1,2,3\n")) ==
        "in.csv:1: duplicate column name \"a\" (columns 1 and 3)");
  CHECK(header_error(Input("a;b\n1;2\n")) ==
        "in.csv:1: found a single column whose name contains ';': wrong delimiter? (use "
        "--delimiter ';')");
  CHECK(header_error(Input("a\tb\n1\t2\n", ';')) ==
        "in.csv:1: found a single column whose name contains '\\t': wrong delimiter? (use "
        "--delimiter '\\t')");
}

TEST_CASE("a record of the wrong width stops clean with the hint, or is skipped on request",
          "[clean][shape]") {
  Input input("a,b\n1,2,3\n");
  common::CsvReader reader(input.options.input, tasks::csv_options(input.options), "in.csv");
  tasks::read_clean_header(reader, input.options);
  REQUIRE(reader.next());
  try {
    tasks::check_row_width(reader, 2, input.options);
    FAIL("no error");
  } catch (const common::DataError& e) {
    CHECK(std::string(e.what()) ==
          "in.csv:2: expected 2 fields, found 3 (use --on-bad-row skip to drop such rows)");
  }
  input.options.on_bad_row = tasks::BadRowPolicy::kSkip;
  CHECK_FALSE(tasks::check_row_width(reader, 2, input.options));
  CHECK(tasks::check_row_width(reader, 3, input.options));
}
