#include "common/json_util.h"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/number.h"
#include "common/read_file.h"

namespace json = boost::json;

namespace common {

TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition pos;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

namespace {

[[noreturn]] void fail_at(std::string_view text, std::size_t offset, const std::string& name,
                          const std::string& problem) {
  TextPosition pos = position_of(text, offset);
  throw DataError(name + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
                  problem);
}

// json::parser's own handler, except for doubles: Boost.JSON 1.81 does not round them
// correctly (about one in five shortest round-trip numbers comes back one ulp off, so a
// model document would not read back as written). Doubles are read again from their text
// with std::from_chars, which is exact.
class ExactNumberHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  ExactNumberHandler() { stack_.reset(); }
  json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    double exact = 0;
    const char* end = number_.data() + number_.size();
    auto [ptr, ec] = std::from_chars(number_.data(), end, exact);
    // Out of range (1e999): keep what Boost.JSON made of it.
    stack_.push_double(ec == std::errc() && ptr == end ? exact : d);
    number_.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  json::value_stack stack_;
  std::string number_;  // the text of the number being read
};

}  // namespace

json::value parse_json(std::string_view text, const std::string& name) {
  json::basic_parser<ExactNumberHandler> parser{json::parse_options{}};
  boost::system::error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) fail_at(text, used, name, "invalid JSON: " + ec.message());
  for (std::size_t i = used; i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      fail_at(text, i, name, "invalid JSON: unexpected content after the document");
    }
  }
  return parser.handler().release();
}

json::value read_json_file(const std::filesystem::path& path) {
  std::string text = read_file(path);
  return parse_json(text, path.string());
}

namespace {

void write_pretty(std::string& out, const json::value& v, int indent) {
  auto newline = [&](int level) {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  switch (v.kind()) {
    case json::kind::object: {
      const json::object& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : o) {
        if (!first) out.push_back(',');
        first = false;
        newline(indent + 1);
        out += json::serialize(json::string(valid_utf8(key)));
        out += ": ";
        write_pretty(out, item, indent + 1);
      }
      newline(indent);
      out.push_back('}');
      return;
    }
    case json::kind::array: {
      const json::array& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      // Arrays of scalars stay on one line; arrays of containers get one item per line.
      bool scalars = true;
      for (const auto& item : a) scalars = scalars && !item.is_object() && !item.is_array();
      out.push_back('[');
      bool first = true;
      for (const auto& item : a) {
        if (!first) out += scalars ? ", " : ",";
        first = false;
        if (!scalars) newline(indent + 1);
        write_pretty(out, item, indent + 1);
      }
      if (!scalars) newline(indent);
      out.push_back(']');
      return;
    }
    case json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) {
        out += "null";  // JSON has no inf/nan
      } else {
        append_number(out, d);
      }
      return;
    }
    case json::kind::string:
      out += json::serialize(json::string(valid_utf8(v.get_string())));
      return;
    default:
      out += json::serialize(v);
  }
}

}  // namespace

namespace {

// Length of the well-formed UTF-8 sequence at p[0..n), or 0 when it is not one.
std::size_t sequence_length(const unsigned char* p, std::size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < n && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;        // no overlongs
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;  // no surrogates
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;  // <= U+10FFFF
  return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = sequence_length(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::string out;
  out.reserve(n + 8);
  std::size_t i = 0;
  while (i < n) {
    std::size_t len = sequence_length(p + i, n - i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

void make_valid_utf8(json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      if (!is_valid_utf8(value.get_string())) value = valid_utf8(value.get_string());
      return;
    case json::kind::array:
      for (json::value& item : value.get_array()) make_valid_utf8(item);
      return;
    case json::kind::object: {
      json::object& o = value.get_object();
      bool keys_valid = true;
      for (auto& [key, item] : o) {
        keys_valid = keys_valid && is_valid_utf8(key);
        make_valid_utf8(item);
      }
      if (keys_valid) return;
      json::object fixed;
      // Two keys that differ only in invalid bytes become one key: the later value wins.
      for (auto& [key, item] : o) fixed[valid_utf8(key)] = std::move(item);
      o = std::move(fixed);
      return;
    }
    default:
      return;
  }
}

std::string to_json_line(const json::value& value) {
  json::value copy = value;
  make_valid_utf8(copy);
  return json::serialize(copy);
}

std::string to_pretty_json(const json::value& value) {
  std::string out;
  write_pretty(out, value, 0);
  out.push_back('\n');
  return out;
}

double json_number(const json::value& value, const std::string& what) {
  boost::system::error_code ec;
  double d = value.to_number<double>(ec);
  if (ec) throw DataError(what + ": expected a number");
  return d;
}

}  // namespace common
