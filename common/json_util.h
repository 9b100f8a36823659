#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

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
// readable. Ends with a newline.
std::string to_pretty_json(const boost::json::value& value);

// A JSON number as double (int64, uint64 or double); throws DataError naming `what` when
// `value` is not a number.
double json_number(const boost::json::value& value, const std::string& what);

}  // namespace common
