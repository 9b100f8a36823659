#include "common/csv_writer.h"

namespace common {

bool needs_quotes(std::string_view field, char delimiter, bool only_field) {
  if (only_field && field.empty()) return true;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

void append_csv_field(std::string& out, std::string_view field, char delimiter, bool only_field) {
  if (!needs_quotes(field, delimiter, only_field)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void CsvWriter::write_record(const std::vector<std::string_view>& fields) {
  line_.clear();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line_.push_back(delimiter_);
    append_csv_field(line_, fields[i], delimiter_, fields.size() == 1);
  }
  line_.push_back('\n');
  file_.write(line_);
}

void CsvWriter::write_record(const std::vector<std::string>& fields) {
  std::vector<std::string_view> views(fields.begin(), fields.end());
  write_record(views);
}

void CsvWriter::write_line(std::string_view line) {
  file_.write(line);
  file_.write("\n");
}

}  // namespace common
