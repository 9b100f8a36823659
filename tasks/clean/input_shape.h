#pragma once

#include <string>
#include <vector>

#include "common/csv_reader.h"
#include "tasks/clean/clean.h"

namespace tasks {

// The shape clean requires of its input, beyond common/csv_shape.h: a header of unique,
// non-empty names without control bytes, and (with --on-bad-row skip) records of the
// wrong width dropped rather than fatal.

// The reader options for clean's input (its --delimiter).
common::CsvOptions csv_options(const CleanOptions& options);

// Reads and checks the header's names. Throws DataError naming the input and line for an
// empty file, a control byte or an empty name, a duplicate name, or a single column whose
// name holds another delimiter ("wrong delimiter? (use --delimiter ';')").
std::vector<std::string> read_clean_header(common::CsvReader& reader, const CleanOptions& options);

// Returns true when the current record has `width` fields; otherwise throws
// "<input>:<line>: expected N fields, found M (use --on-bad-row skip to drop such rows)" or,
// with --on-bad-row skip, returns false.
bool check_row_width(const common::CsvReader& reader, std::size_t width,
                     const CleanOptions& options);

}  // namespace tasks
