#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>

namespace common {

// 1-based line and column of byte `offset` in `text`.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// Parses one JSON document (strict: no comments, no trailing commas, nothing after the
// value but whitespace). Throws DataError "<name>:LINE:COL: <problem>".
boost::json::value parse_json(std::string_view text, const std::string& name);

// Reads and parses a JSON file. Throws InputMissingError, IoError or DataError.
boost::json::value read_json_file(const std::filesystem::path& path);

// Serializes with two-space indentation, keys in insertion order, and numbers in the
// shortest form that reads back exactly (std::to_chars), so the output is byte-stable and
// readable. Strings and keys are written as valid UTF-8 (see valid_utf8). Ends with a
// newline.
std::string to_pretty_json(const boost::json::value& value);

// Every JSON text the project writes is valid UTF-8 (RFC 8259 section 8.1), whatever bytes
// the data held: each byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF) is replaced by U+FFFD, the
// replacement character (docs/logs.md, "Text encoding"). The writers below apply the rule
// to every string and key; code that compares a value with one read back from such a
// file (a model's category) applies valid_utf8() to its own side first.
bool is_valid_utf8(std::string_view text);
std::string valid_utf8(std::string_view text);
// Applies valid_utf8() to every string and key in `value`, in place.
void make_valid_utf8(boost::json::value& value);

// One JSON document on one line (compact, valid UTF-8, no trailing newline): the form of
// every JSON Lines record (logs, history, access log).
std::string to_json_line(const boost::json::value& value);

// A JSON number as double (int64, uint64 or double); throws DataError naming `what` when
// `value` is not a number.
double json_number(const boost::json::value& value, const std::string& what);

}  // namespace common
