#pragma once

#include <cstring>
#include <string>
#include <string_view>

#include "common/csv_reader.h"
#include "common/csv_writer.h"
#include "common/number.h"

namespace tasks {

// One output row, built with raw pointers (clean's hot path): room for the longest
// possible row is made once per record, then fields are copied without size checks.
// Fields must come from a CsvReader, which guarantees readable bytes past each one, so a
// short field is copied with one 16-byte load and store.
class RowBuilder {
 public:
  // Makes room for a row built from the fields of one record spanning `record_bytes`.
  void start(std::size_t record_bytes, std::size_t fields) {
    // Quoting at most doubles a field and adds two quotes; a number's shortest form takes
    // at most 32 bytes; each field adds a delimiter; 16 bytes of slack for the last copy.
    std::size_t bound = 2 * record_bytes + 34 * fields + 1 + 16;
    if (buffer_.size() < bound) buffer_.resize(bound);
    end_ = buffer_.data();
  }
  void put(char c) { *end_++ = c; }
  void put(std::string_view field) {
    static_assert(common::CsvReader::kReadablePastField >= 16);
    if (field.size() <= 16) {
      std::memcpy(end_, field.data(), 16);
    } else {
      std::memcpy(end_, field.data(), field.size());
    }
    end_ += field.size();
  }
  // A field as CSV, quoted by the common rule (common::needs_quotes).
  void put_csv(std::string_view field, char delimiter, bool only_field) {
    if (!common::needs_quotes(field, delimiter, only_field)) {
      put(field);
      return;
    }
    quoted_.clear();
    common::append_csv_field(quoted_, field, delimiter, only_field);
    copy(quoted_);
  }
  void put_number(double value) { copy(common::format_number(value)); }
  std::string_view row() const {
    return {buffer_.data(), static_cast<std::size_t>(end_ - buffer_.data())};
  }

 private:
  // Bytes that may have nothing readable after them (unlike a CsvReader field).
  void copy(std::string_view bytes) {
    std::memcpy(end_, bytes.data(), bytes.size());
    end_ += bytes.size();
  }

  std::string buffer_;
  char* end_ = nullptr;
  std::string quoted_;  // a field that needs quotes, quoted by the CSV writer
};
}  // namespace tasks
