#include "common/csv_columns.h"

#include <cmath>

#include "common/error.h"
#include "common/message.h"
#include "common/number.h"

namespace common {

ColumnIndex index_columns(const std::vector<std::string_view>& names, const std::string& source,
                          std::size_t line) {
  ColumnIndex index;
  index.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [it, inserted] = index.emplace(names[i], i);
    if (!inserted) {
      throw DataError(source + ":" + std::to_string(line) + ": duplicate column name " +
                      quote_for_message(names[i]) + " (columns " + std::to_string(it->second + 1) +
                      " and " + std::to_string(i + 1) + ")");
    }
  }
  return index;
}

ColumnIndex index_columns(const std::vector<std::string>& names, const std::string& source,
                          std::size_t line) {
  return index_columns(std::vector<std::string_view>(names.begin(), names.end()), source, line);
}

ValueKind value_kind(std::string_view field, const NullTokens& nulls) {
  if (nulls.contains(field)) return ValueKind::kNull;
  std::optional<double> x = parse_number(field);
  if (!x) return ValueKind::kText;
  return std::isfinite(*x) ? ValueKind::kFiniteNumber : ValueKind::kNonFiniteNumber;
}

bool infer_column_types(const std::vector<std::string_view>& fields, const NullTokens& nulls,
                        std::vector<char>& numeric) {
  thread_local std::vector<std::size_t> text;  // columns holding text in this record
  text.clear();
  for (std::size_t c = 0; c < fields.size(); ++c) {
    ValueKind kind = value_kind(fields[c], nulls);
    if (drops_record(kind)) return false;
    if (kind == ValueKind::kText && numeric[c]) text.push_back(c);
  }
  for (std::size_t c : text) numeric[c] = 0;
  return true;
}

char parse_delimiter(const std::string& text) {
  if (text == "\\t" || text == "tab") return '\t';
  if (text.size() != 1 || text[0] == '"' || text[0] == '\n' || text[0] == '\r') {
    throw UsageError("invalid --delimiter '" + text + "': expected one character (or \\t)");
  }
  return text[0];
}

}  // namespace common
