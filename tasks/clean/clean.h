#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/csv_reader.h"
#include "tasks/clean/schema.h"

namespace tasks {

enum class BadRowPolicy { kError, kSkip };

struct CleanOptions {
  std::filesystem::path input;   // raw CSV (header required)
  std::filesystem::path output;  // cleaned CSV, written atomically
  char delimiter = ',';          // field separator of the input (the output uses ',')
  common::NullTokens nulls;      // tokens that mean "no value"
  BadRowPolicy on_bad_row = BadRowPolicy::kError;  // a record with the wrong field count
  std::filesystem::path schema;                    // approved schema to check against; empty: none
  std::filesystem::path write_schema;  // write the found schema here (the approval step)
  std::string target;                  // target column to check and record; may be empty
};

struct ColumnSummary {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::uint64_t nulls = 0;       // rows dropped for a null in this column
  std::uint64_t non_finite = 0;  // rows dropped for inf/nan/overflow in this column
  std::uint64_t distinct = 0;    // categorical: distinct kept values (capped at kDistinctCap)
  bool distinct_capped = false;  // more than kDistinctCap distinct values
};

inline constexpr std::uint64_t kDistinctCap = 1000;

struct CleanResult {
  std::uint64_t rows_in = 0;       // data records read (not counting the header)
  std::uint64_t rows_out = 0;      // records written
  std::uint64_t rows_dropped = 0;  // records dropped for a null or non-finite number
  std::uint64_t bad_rows = 0;      // records with the wrong field count, skipped
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  Schema schema;  // as found (with the target, if any)
  std::vector<ColumnSummary> columns;
  bool schema_written = false;
};

// Streaming passes over the input that infer each column's type by the rule of
// common/csv_columns.h (over the kept rows only, the rule train applies to clean.csv),
// check the schema, and write the kept rows
// with numbers in shortest round-trip form. Memory does not grow with the row count.
// Throws common::DataError (65) for malformed input, schema drift (with a diff and the
// approving command), a missing or non-numeric target, or no rows left; the output is
// untouched on any error.
CleanResult clean(const CleanOptions& options);

}  // namespace tasks
