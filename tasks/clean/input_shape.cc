#include "tasks/clean/input_shape.h"

#include <cstdio>

#include "common/csv_columns.h"
#include "common/csv_shape.h"
#include "common/error.h"

namespace tasks {

namespace {

void check_name(const std::string& name, std::size_t column, const std::string& at) {
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", u);
      throw common::DataError(at + ": column " + std::to_string(column) +
                              " of the header holds the control byte " + hex +
                              ": not a CSV text file");
    }
  }
  if (name.empty()) {
    throw common::DataError(at + ": column " + std::to_string(column) + " has an empty name");
  }
}

// A single column whose name holds another delimiter was most likely split wrongly.
void check_delimiter(const std::string& only_name, char delimiter, const std::string& at) {
  for (char other : {',', ';', '\t', '|'}) {
    if (other != delimiter && only_name.find(other) != std::string::npos) {
      std::string shown = other == '\t' ? "\\t" : std::string(1, other);
      throw common::DataError(at + ": found a single column whose name contains '" + shown +
                              "': wrong delimiter? (use --delimiter '" + shown + "')");
    }
  }
}

}  // namespace

common::CsvOptions csv_options(const CleanOptions& options) {
  common::CsvOptions csv;
  csv.delimiter = options.delimiter;
  return csv;
}

std::vector<std::string> read_clean_header(common::CsvReader& reader, const CleanOptions& options) {
  std::vector<std::string> names = common::read_header_row(reader);
  std::size_t line = reader.line();
  std::string at = reader.name() + ":" + std::to_string(line);
  for (std::size_t i = 0; i < names.size(); ++i) check_name(names[i], i + 1, at);
  common::check_unique_columns(names, reader.name(), line);
  if (names.size() == 1) check_delimiter(names[0], options.delimiter, at);
  return names;
}

bool check_row_width(const common::CsvReader& reader, std::size_t width,
                     const CleanOptions& options) {
  if (reader.fields().size() == width) return true;
  if (options.on_bad_row == BadRowPolicy::kSkip) return false;
  common::check_width(reader, width, " (use --on-bad-row skip to drop such rows)");
  return true;  // not reached: check_width threw
}

}  // namespace tasks
