#include "common/csv_shape.h"

#include "common/error.h"

namespace common {

std::vector<std::string> read_header_row(CsvReader& reader) {
  if (!reader.next()) throw DataError(reader.name() + ": empty file: expected a header row");
  return {reader.fields().begin(), reader.fields().end()};
}

std::string wrong_width_message(const CsvReader& reader, std::size_t width) {
  return reader.name() + ":" + std::to_string(reader.line()) + ": expected " +
         std::to_string(width) + " fields, found " + std::to_string(reader.fields().size());
}

void check_width(const CsvReader& reader, std::size_t width, std::string_view hint) {
  if (reader.fields().size() == width) return;
  throw DataError(wrong_width_message(reader, width) + std::string(hint));
}

}  // namespace common
