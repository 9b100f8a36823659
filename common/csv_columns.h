#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

// The value of a program's --delimiter flag: one character other than a quote or a line
// end, or "\\t" / "tab" for a tab. Throws UsageError
// "invalid --delimiter 'xy': expected one character (or \\t)".
char parse_delimiter(const std::string& text);

}  // namespace common
