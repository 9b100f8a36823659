#include "common/json_util.h"

#include <boost/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/number.h"

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
  throw DataError(name + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                  ": " + problem);
}

}  // namespace

json::value parse_json(std::string_view text, const std::string& name) {
  json::parser parser;
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (ec) fail_at(text, used, name, "invalid JSON: " + ec.message());
  for (std::size_t i = used; i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      fail_at(text, i, name, "invalid JSON: unexpected content after the document");
    }
  }
  return parser.release();
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
        out += json::serialize(json::string(key));
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
    default:
      out += json::serialize(v);
  }
}

}  // namespace

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
