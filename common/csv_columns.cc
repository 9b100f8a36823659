#include "common/csv_columns.h"

#include "common/error.h"

namespace common {

ColumnIndex index_columns(const std::vector<std::string_view>& names, const std::string& source,
                          std::size_t line) {
  ColumnIndex index;
  index.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [it, inserted] = index.emplace(names[i], i);
    if (!inserted) {
      throw DataError(source + ":" + std::to_string(line) + ": duplicate column name \"" +
                      std::string(names[i]) + "\" (columns " + std::to_string(it->second + 1) +
                      " and " + std::to_string(i + 1) + ")");
    }
  }
  return index;
}

ColumnIndex index_columns(const std::vector<std::string>& names, const std::string& source,
                          std::size_t line) {
  return index_columns(std::vector<std::string_view>(names.begin(), names.end()), source, line);
}

char parse_delimiter(const std::string& text) {
  if (text == "\\t" || text == "tab") return '\t';
  if (text.size() != 1 || text[0] == '"' || text[0] == '\n' || text[0] == '\r') {
    throw UsageError("invalid --delimiter '" + text + "': expected one character (or \\t)");
  }
  return text[0];
}

}  // namespace common
