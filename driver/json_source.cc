#include "driver/json_source.h"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

namespace json = boost::json;

namespace driver {

std::string pointer_append(const std::string& parent, std::string_view key) {
  std::string out = parent;
  out.push_back('/');
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string pointer_append(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

std::size_t JsonSource::offset_of(const std::string& pointer) const {
  if (auto it = value_offsets.find(pointer); it != value_offsets.end()) return it->second;
  if (auto it = key_offsets.find(pointer); it != key_offsets.end()) return it->second;
  return 0;
}

std::size_t JsonSource::key_offset_of(const std::string& pointer) const {
  if (auto it = key_offsets.find(pointer); it != key_offsets.end()) return it->second;
  return offset_of(pointer);
}

namespace {

// Boost.JSON's basic_parser reports values but not where they are. The text is fed one
// byte at a time, so every callback fires while a known byte is being consumed; a value
// starts at the first significant byte after the previous callback (whitespace, ':' and
// ',' are not significant). Feeding byte by byte costs about 1 ms for a 200-task dag.
class PositionHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit PositionHandler(JsonSource& out) : out_(out) { stack_.reset(); }

  // Called by the feeding loop before byte `offset` is fed.
  void before_byte(std::size_t offset, char c) {
    if (awaiting_start_ && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ':' &&
        c != ',') {
      start_ = offset;
      awaiting_start_ = false;
    }
  }

  json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) {
    awaiting_start_ = true;
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) {
    begin_value();
    frames_.push_back(Frame{true, current_pointer(), 0, {}, {}});
    awaiting_start_ = true;
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    frames_.pop_back();
    stack_.push_object(n);
    end_value();
    return true;
  }
  bool on_array_begin(json::error_code&) {
    begin_value();
    frames_.push_back(Frame{false, current_pointer(), 0, {}, {}});
    awaiting_start_ = true;
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    frames_.pop_back();
    stack_.push_array(n);
    end_value();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    stack_.push_key(s);
    Frame& frame = frames_.back();
    frame.key = key_;
    std::string member = pointer_append(frame.pointer, key_);
    auto [it, inserted] = frame.keys.emplace(key_, start_);
    if (inserted) {
      out_.key_offsets[member] = start_;
    } else {
      out_.duplicates.push_back(JsonSource::DuplicateKey{member, start_, it->second});
    }
    key_.clear();
    awaiting_start_ = true;
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    scalar();
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    scalar();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    scalar();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code&) {
    scalar();
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    scalar();
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    scalar();
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Frame {
    bool is_object = false;
    std::string pointer;                                // of the container itself
    std::size_t index = 0;                              // next array element
    std::string key;                                    // current member's key
    std::unordered_map<std::string, std::size_t> keys;  // key → offset, for duplicates
  };

  std::string current_pointer() const {
    if (frames_.empty()) return "";
    const Frame& frame = frames_.back();
    return frame.is_object ? pointer_append(frame.pointer, frame.key)
                           : pointer_append(frame.pointer, frame.index);
  }
  void begin_value() { out_.value_offsets[current_pointer()] = start_; }
  void end_value() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    awaiting_start_ = true;
  }
  void scalar() {
    begin_value();
    end_value();
  }

  JsonSource& out_;
  json::value_stack stack_;
  std::vector<Frame> frames_;
  std::string key_;
  std::size_t start_ = 0;
  bool awaiting_start_ = true;
};

}  // namespace

JsonSource parse_json_source(std::string_view text) {
  JsonSource source;
  json::basic_parser<PositionHandler> parser(json::parse_options{}, source);
  json::error_code ec;
  std::size_t offset = 0;
  for (; offset < text.size() && !parser.done(); ++offset) {
    parser.handler().before_byte(offset, text[offset]);
    parser.write_some(true, text.data() + offset, 1, ec);
    if (ec) throw JsonSyntaxError(offset, "invalid JSON: " + ec.message());
  }
  if (!parser.done()) {
    parser.write_some(false, nullptr, 0, ec);
    if (ec) throw JsonSyntaxError(text.size(), "invalid JSON: " + ec.message());
  }
  for (; offset < text.size(); ++offset) {
    char c = text[offset];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      throw JsonSyntaxError(offset, "invalid JSON: unexpected content after the document");
    }
  }
  source.root = parser.handler().release();
  return source;
}

}  // namespace driver
