#include "tasks/clean/schema.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "common/error.h"
#include "common/json_util.h"

namespace json = boost::json;

namespace tasks {

const char* to_string(ColumnType type) {
  return type == ColumnType::kNumeric ? "numeric" : "categorical";
}

Schema load_schema(const std::filesystem::path& path) {
  json::value doc = common::read_json_file(path);
  std::string name = path.string();
  auto fail = [&](const std::string& problem) -> void {
    throw common::DataError(name + ": " + problem);
  };
  if (!doc.is_object()) fail("expected a JSON object");
  const json::object& o = doc.as_object();
  const json::value* format = o.if_contains("format");
  if (format == nullptr || !format->is_string() || format->as_string() != kSchemaFormat) {
    fail(std::string("expected \"format\": \"") + kSchemaFormat + "\"");
  }
  const json::value* version = o.if_contains("version");
  if (version == nullptr || !version->is_int64()) fail("expected an integer \"version\"");
  if (version->as_int64() > kSchemaVersion) {
    fail("schema version " + std::to_string(version->as_int64()) +
         " is newer than this program supports (" + std::to_string(kSchemaVersion) + ")");
  }
  Schema schema;
  const json::value* columns = o.if_contains("columns");
  if (columns == nullptr || !columns->is_array()) fail("expected a \"columns\" array");
  for (const json::value& c : columns->as_array()) {
    const json::object* column = c.if_object();
    const json::value* cname = column ? column->if_contains("name") : nullptr;
    const json::value* ctype = column ? column->if_contains("type") : nullptr;
    if (!cname || !cname->is_string() || !ctype || !ctype->is_string()) {
      fail("each column needs a \"name\" and a \"type\"");
    }
    std::string type(ctype->as_string());
    if (type != "numeric" && type != "categorical") {
      fail("column \"" + std::string(cname->as_string()) +
           "\": type must be numeric or categorical, got \"" + type + "\"");
    }
    schema.columns.push_back({std::string(cname->as_string()),
                              type == "numeric" ? ColumnType::kNumeric : ColumnType::kCategorical});
  }
  if (const json::value* target = o.if_contains("target");
      target != nullptr && target->is_string()) {
    schema.target = std::string(target->as_string());
  }
  return schema;
}

std::string schema_json(const Schema& schema) {
  json::array columns;
  for (const Schema::Column& c : schema.columns) {
    columns.push_back(json::object{{"name", c.name}, {"type", to_string(c.type)}});
  }
  json::object doc{{"format", kSchemaFormat}, {"version", kSchemaVersion}, {"columns", columns}};
  if (!schema.target.empty()) doc["target"] = schema.target;
  return common::to_pretty_json(doc);
}

std::vector<std::string> diff_schema(const Schema& approved, const Schema& found) {
  std::vector<std::string> lines;
  std::map<std::string, std::size_t> approved_at;
  std::map<std::string, std::size_t> found_at;
  for (std::size_t i = 0; i < approved.columns.size(); ++i)
    approved_at[approved.columns[i].name] = i;
  for (std::size_t i = 0; i < found.columns.size(); ++i) found_at[found.columns[i].name] = i;

  std::vector<std::size_t> missing;  // positions in approved
  std::vector<std::size_t> added;    // positions in found
  for (std::size_t i = 0; i < approved.columns.size(); ++i) {
    if (!found_at.count(approved.columns[i].name)) missing.push_back(i);
  }
  for (std::size_t i = 0; i < found.columns.size(); ++i) {
    if (!approved_at.count(found.columns[i].name)) added.push_back(i);
  }
  // A column missing at position p and one added at the same position with the same type
  // is reported as a rename.
  for (auto m = missing.begin(); m != missing.end();) {
    auto a = std::find_if(added.begin(), added.end(), [&](std::size_t f) {
      return f == *m && found.columns[f].type == approved.columns[*m].type;
    });
    if (a == added.end()) {
      ++m;
      continue;
    }
    lines.push_back("~ column \"" + approved.columns[*m].name + "\" renamed to \"" +
                    found.columns[*a].name + "\"");
    added.erase(a);
    m = missing.erase(m);
  }
  for (std::size_t m : missing) {
    lines.push_back("- column \"" + approved.columns[m].name + "\" (" +
                    to_string(approved.columns[m].type) + ") missing");
  }
  for (std::size_t a : added) {
    lines.push_back("+ column \"" + found.columns[a].name + "\" (" +
                    to_string(found.columns[a].type) + ") added");
  }
  for (std::size_t i = 0; i < approved.columns.size(); ++i) {
    auto f = found_at.find(approved.columns[i].name);
    if (f == found_at.end()) continue;
    const Schema::Column& now = found.columns[f->second];
    if (now.type != approved.columns[i].type) {
      lines.push_back("~ column \"" + now.name + "\": " + to_string(approved.columns[i].type) +
                      " -> " + to_string(now.type));
    }
  }
  if (lines.empty()) {
    for (std::size_t i = 0; i < approved.columns.size(); ++i) {
      auto f = found_at.find(approved.columns[i].name);
      if (f != found_at.end() && f->second != i) {
        lines.push_back("~ column \"" + approved.columns[i].name + "\" moved from position " +
                        std::to_string(i + 1) + " to " + std::to_string(f->second + 1));
      }
    }
  }
  return lines;
}

}  // namespace tasks
