#include "tasks/clean/schema.h"

#include <catch2/catch.hpp>

using tasks::ColumnType;
using tasks::Schema;

namespace {

Schema schema(std::vector<Schema::Column> columns) {
  Schema s;
  s.columns = std::move(columns);
  return s;
}

constexpr ColumnType kNum = ColumnType::kNumeric;
constexpr ColumnType kCat = ColumnType::kCategorical;

}  // namespace

TEST_CASE("identical schemas have no diff", "[clean][schema]") {
  Schema s = schema({{"a", kNum}, {"b", kCat}});
  CHECK(tasks::diff_schema(s, s).empty());
}

TEST_CASE("schema diff reports added, missing, renamed, retyped and moved columns",
          "[clean][schema]") {
  using Lines = std::vector<std::string>;
  CHECK(tasks::diff_schema(schema({{"a", kNum}}), schema({{"a", kNum}, {"b", kCat}})) ==
        Lines{"+ column \"b\" (categorical) added"});
  CHECK(tasks::diff_schema(schema({{"a", kNum}, {"b", kCat}}), schema({{"a", kNum}})) ==
        Lines{"- column \"b\" (categorical) missing"});
  CHECK(
      tasks::diff_schema(schema({{"a", kNum}, {"b", kCat}}), schema({{"a", kNum}, {"c", kCat}})) ==
      Lines{"~ column \"b\" renamed to \"c\""});
  CHECK(tasks::diff_schema(schema({{"a", kNum}}), schema({{"a", kCat}})) ==
        Lines{"~ column \"a\": numeric -> categorical"});
  CHECK(
      tasks::diff_schema(schema({{"a", kNum}, {"b", kNum}}), schema({{"b", kNum}, {"a", kNum}})) ==
      Lines{"~ column \"a\" moved from position 1 to 2",
            "~ column \"b\" moved from position 2 to 1"});
}

TEST_CASE("a schema survives a round trip through its JSON file", "[clean][schema]") {
  Schema s = schema({{"x", kNum}, {"city", kCat}});
  s.target = "x";
  std::string text = tasks::schema_json(s);
  CHECK(text ==
        "{\n  \"format\": \"pipeline-schema\",\n  \"version\": 1,\n  \"columns\": [\n"
        "    {\n      \"name\": \"x\",\n      \"type\": \"numeric\"\n    },\n"
        "    {\n      \"name\": \"city\",\n      \"type\": \"categorical\"\n    }\n  ],\n"
        "  \"target\": \"x\"\n}\n");
}
