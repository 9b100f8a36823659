#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/csv_reader.h"

namespace common {

// Column name -> its 0-based index in a CSV header. The views point into the names given.
using ColumnIndex = std::unordered_map<std::string_view, std::size_t>;

// Indexes the header `names` read at `source`:`line`, in time linear in the column count
// (a 100,000-column header is accepted or refused at once, not in quadratic time). Throws
// DataError "<source>:<line>: duplicate column name \"x\" (columns 2 and 5)" for the first
// name that repeats: every program refuses an ambiguous header rather than pick one of two
// columns.
ColumnIndex index_columns(const std::vector<std::string_view>& names, const std::string& source,
                          std::size_t line);
ColumnIndex index_columns(const std::vector<std::string>& names, const std::string& source,
                          std::size_t line);

// The same check when no index is needed.
inline void check_unique_columns(const std::vector<std::string>& names, const std::string& source,
                                 std::size_t line) {
  index_columns(names, source, line);
}

// The column type rule, the one place clean (which writes the approved schema) and train
// (which builds the model) take it from, so that they cannot disagree (docs/csv.md):
// - a field is null (one of the null tokens), a non-finite number (inf, nan, 1e999), a
//   finite number (parse_number reads all of it) or text;
// - a record is kept when it has no null and no non-finite number, in any column;
// - over the kept records only, a column is numeric when every value is a finite number,
//   else categorical. A dropped record's values decide nothing.
enum class ValueKind { kNull, kNonFiniteNumber, kFiniteNumber, kText };
ValueKind value_kind(std::string_view field, const NullTokens& nulls);
inline bool drops_record(ValueKind kind) {
  return kind == ValueKind::kNull || kind == ValueKind::kNonFiniteNumber;
}

// Applies one record to `numeric` (per column, 1 while every kept value was a finite
// number): when the record is kept, the columns holding text become categorical (0).
// Returns whether the record is kept.
bool infer_column_types(const std::vector<std::string_view>& fields, const NullTokens& nulls,
                        std::vector<char>& numeric);

// The value of a program's --delimiter flag: one character other than a quote or a line
// end, or "\\t" / "tab" for a tab. Throws UsageError
// "invalid --delimiter 'xy': expected one character (or \\t)".
char parse_delimiter(const std::string& text);

}  // namespace common
