#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_reader.h"

namespace common {

// The shape checks every program applies to a CSV file it reads (clean, train, predict,
// report), and their messages, in one place beside the reader.

// Reads the first record as the header's names. Throws DataError
// "<name>: empty file: expected a header row" when the file holds no record.
std::vector<std::string> read_header_row(CsvReader& reader);

// "<name>:<line>: expected N fields, found M" for the reader's current record.
std::string wrong_width_message(const CsvReader& reader, std::size_t width);

// Throws DataError(wrong_width_message(reader, width) + hint) when the current record does
// not have `width` fields; `hint` tells the user what to do (" (use ...)"), or is empty.
void check_width(const CsvReader& reader, std::size_t width, std::string_view hint = {});

}  // namespace common
