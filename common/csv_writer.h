#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.h"

namespace common {

// The one quoting rule of every CSV the project writes. A field must be quoted when it
// holds the delimiter, a quote, CR or LF, or when it is empty and the only field of its
// record (`only_field`): written bare, that record would be a blank line, which readers
// skip, so the row would be lost.
bool needs_quotes(std::string_view field, char delimiter, bool only_field = false);

// Appends `field` to `out`, quoted only when needs_quotes() (quotes doubled), so a plain
// field is written as is.
void append_csv_field(std::string& out, std::string_view field, char delimiter,
                      bool only_field = false);

// Writes CSV records to an AtomicFile with the quoting of needs_quotes() and "\n" line
// ends (a record of one empty field is written as "").
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
