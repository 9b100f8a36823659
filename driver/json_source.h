#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace driver {

// A JSON document that remembers where each value and each object key starts, so that a
// validator can point at "dag.json:LINE:COL". Places are keyed by JSON Pointer (RFC 6901):
// "" is the root, "/tasks/0/cmd" the first task's cmd.
struct JsonSource {
  // A key that appears twice in one object. Boost.JSON keeps the last value silently;
  // the validator reports these instead.
  struct DuplicateKey {
    std::string pointer;           // the member, e.g. "/tasks/1/cmd"
    std::size_t offset = 0;        // where the second key starts
    std::size_t first_offset = 0;  // where the first one starts
  };

  boost::json::value root;
  std::unordered_map<std::string, std::size_t> value_offsets;  // pointer → byte offset
  std::unordered_map<std::string, std::size_t> key_offsets;  // member pointer → offset of its key
  std::vector<DuplicateKey> duplicates;                      // in document order

  // Offset of the value at `pointer`, else of its key, else 0.
  std::size_t offset_of(const std::string& pointer) const;
  // Offset of the key naming the member at `pointer`, else of its value.
  std::size_t key_offset_of(const std::string& pointer) const;
};

// A syntax error at a byte offset; the caller adds the file name and line:column.
class JsonSyntaxError : public common::DataError {
 public:
  JsonSyntaxError(std::size_t offset, const std::string& problem)
      : common::DataError(problem), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// Parses one strict JSON document (no comments, no trailing commas, only whitespace after
// it). Throws JsonSyntaxError("invalid JSON: <problem>") at the offending byte.
JsonSource parse_json_source(std::string_view text);

// "/a" + "b/c" → "/a/b~1c" (RFC 6901 escaping); "/a" + 3 → "/a/3".
std::string pointer_append(const std::string& parent, std::string_view key);
std::string pointer_append(const std::string& parent, std::size_t index);

}  // namespace driver
