#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.h"

namespace common {

// Whether `field` must be quoted: it holds the delimiter, a quote, CR or LF.
bool needs_quotes(std::string_view field, char delimiter);

// Appends `field` to `out`, quoted only when needs_quotes() (quotes doubled), so a plain
// field is written as is.
void append_csv_field(std::string& out, std::string_view field, char delimiter);

// Writes CSV records to an AtomicFile with minimal quoting and "\n" line ends. A record
// of one empty field is written as "" so that it is not read back as a blank line.
class CsvWriter {
 public:
  CsvWriter(AtomicFile& file, char delimiter = ',') : file_(file), delimiter_(delimiter) {}

  void write_record(const std::vector<std::string_view>& fields);
  void write_record(const std::vector<std::string>& fields);
  // Appends a pre-formatted line (without the newline); for callers that format fields
  // themselves with append_csv_field/append_number.
  void write_line(std::string_view line);

 private:
  AtomicFile& file_;
  char delimiter_;
  std::string line_;
};

}  // namespace common
