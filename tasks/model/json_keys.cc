#include "tasks/model/json_keys.h"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <unordered_set>
#include <vector>

#include "common/error.h"
#include "common/json_util.h"

namespace json = boost::json;

namespace tasks {

namespace {

// Builds nothing: keeps the keys of each open object and stops at the first repeat.
class KeyHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  bool found = false;
  std::string duplicate;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    if (depth_ == objects_.size()) objects_.emplace_back();
    objects_[depth_++].clear();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth_;
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    bool inserted = objects_[depth_ - 1].insert(key_).second;
    if (!inserted) {
      found = true;
      duplicate = key_;
      ec = json::error::extra_data;  // any error: stops the parser here
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::vector<std::unordered_set<std::string>> objects_;  // one per open object, reused
  std::size_t depth_ = 0;
  std::string key_;
};

}  // namespace

void refuse_duplicate_keys(std::string_view text, const std::string& name) {
  json::basic_parser<KeyHandler> parser(json::parse_options{});
  json::error_code ec;
  std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!parser.handler().found) return;
  common::TextPosition pos = common::position_of(text, consumed);
  throw common::DataError(name + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                          ": duplicate key \"" + parser.handler().duplicate + "\"");
}

}  // namespace tasks
