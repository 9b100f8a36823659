#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace common {

// A malformed CSV record. what() is "<name>:<line>: <problem>"; line() is the physical
// line (1-based) where the problem is.
class CsvError : public DataError {
 public:
  CsvError(const std::string& name, std::size_t line, const std::string& problem)
      : DataError(name + ":" + std::to_string(line) + ": " + problem), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

struct CsvOptions {
  char delimiter = ',';                      // field separator
  std::size_t max_record_bytes = 64u << 20;  // a longer record is a CsvError
  std::size_t buffer_bytes = 1u << 20;       // initial read buffer
};

// The tokens that mean "no value" (SPEC section 4); an empty field is null when "" is in
// the set. Quoted or not makes no difference.
class NullTokens {
 public:
  NullTokens() : NullTokens(std::vector<std::string>{"", "NA", "NaN", "null", "nan"}) {}
  explicit NullTokens(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {
    for (const std::string& t : tokens_) {
      if (t.size() < 64) {
        lengths_ |= std::uint64_t{1} << t.size();
      } else {
        long_tokens_ = true;
      }
      if (!t.empty()) first_bytes_[static_cast<unsigned char>(t[0])] = true;
    }
  }
  bool contains(std::string_view field) const {
    // Most fields are not null: reject by length before comparing (a hot path of clean).
    if (field.size() < 64 ? !(lengths_ >> field.size() & 1) : !long_tokens_) return false;
    if (!field.empty() && !first_bytes_[static_cast<unsigned char>(field[0])]) return false;
    for (const std::string& t : tokens_) {
      if (field == t) return true;
    }
    return false;
  }
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  std::vector<std::string> tokens_;
  std::uint64_t lengths_ = 0;            // bit n set: some token has n bytes
  bool long_tokens_ = false;             // some token has 64 bytes or more
  std::array<bool, 256> first_bytes_{};  // first bytes of the non-empty tokens
};

// Streaming RFC 4180 reader: quotes, doubled quotes, delimiters and newlines inside
// quotes, LF, CRLF or CR line ends, an optional UTF-8 BOM. Bytes are passed through as
// they are (no UTF-8 validation). Memory is bounded by the longest record; a record longer
// than max_record_bytes is a CsvError, not an allocation failure. Blank lines are skipped
// (they still count as lines).
class CsvReader {
 public:
  // Opens `path`; `name` (default: the path) prefixes error messages. Throws
  // InputMissingError when the file cannot be opened.
  explicit CsvReader(const std::filesystem::path& path, CsvOptions options = {},
                     std::string name = "");
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record. Returns false at the end of the file. Throws CsvError on a
  // malformed record and IoError on a failed read. The views in fields() stay valid until
  // the next call, and at least kReadablePastField bytes after the end of each can be read
  // (so a caller may copy a short field with one fixed-size load).
  bool next();

  static constexpr std::size_t kReadablePastField = 64;
  const std::vector<std::string_view>& fields() const { return fields_; }
  // Physical line (1-based) where the current record starts.
  std::size_t line() const { return record_line_; }
  // Bytes of the file consumed so far.
  std::uint64_t bytes_consumed() const { return consumed_ + static_cast<std::uint64_t>(pos_); }
  const std::string& name() const { return name_; }

 private:
  enum class Scan { kRecord, kNeedMore, kEnd };
  Scan scan_record();
  bool fill();
  // The first delimiter, LF or CR at or after `p`, or end_.
  std::size_t find_special(std::size_t p);
  std::size_t find_special_in_new_block(std::size_t p);

  std::string name_;
  CsvOptions options_;
  int fd_ = -1;
  bool eof_ = false;
  // Readable bytes plus kPadding more, so that find_special() can load 64 bytes at a time
  // near the end; capacity_ is the part reads fill.
  static constexpr std::size_t kPadding = kReadablePastField;
  // Not zero-filled: a 1 MiB buffer for a small file touches only the pages read into.
  std::unique_ptr<char[]> buffer_;
  void allocate(std::size_t capacity);
  std::size_t capacity_ = 0;
  std::size_t pos_ = 0;         // start of the unparsed data in buffer_
  std::size_t end_ = 0;         // end of the valid data in buffer_
  std::uint64_t consumed_ = 0;  // bytes dropped from the front of buffer_ so far
  std::size_t next_line_ = 1;
  std::size_t record_line_ = 0;
  bool at_start_ = true;
  std::vector<std::string_view> fields_;
  std::vector<std::size_t> unescape_;  // fields_ holding doubled quotes still to collapse
  // find_special()'s cache: bit i of mask_ is set when buffer_[block_ + i] ends an unquoted
  // field, for block_ <= i < block_end_ (fill() invalidates it).
  std::size_t block_ = 0;
  std::size_t block_end_ = 0;
  std::uint64_t mask_ = 0;
};

}  // namespace common
