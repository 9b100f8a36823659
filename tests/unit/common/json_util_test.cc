#include "common/json_util.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/support/test_util.h"

namespace json = boost::json;
using common::parse_json;
using common::to_pretty_json;
using test_util::TempDir;

TEST_CASE("syntax errors name the file, line and column", "[json]") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"{\"a\": 1,\n  \"b\": }", "dag.json:2:8: invalid JSON: syntax error"},
      {"[1,]", "dag.json:1:4: invalid JSON: syntax error"},
      {"{\"a\" 1}", "dag.json:1:6: invalid JSON: syntax error"},
      {"{\n\n  \"a\": nul}", "dag.json:3:8: invalid JSON: syntax error"},
      {"{\"a\": 1, // comment\n}", "dag.json:1:10: invalid JSON: syntax error"},
      {"{\"a\": 1", "dag.json:1:8: invalid JSON: incomplete JSON"},
      {"", "dag.json:1:1: invalid JSON: incomplete JSON"},
      {"\n  ", "dag.json:2:3: invalid JSON: incomplete JSON"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK_THROWS_AS(parse_json(c.text, "dag.json"), common::DataError);
    CHECK_THROWS_WITH(parse_json(c.text, "dag.json"), c.message);
  }
}

TEST_CASE("content after the document is an error at its position", "[json]") {
  CHECK_THROWS_WITH(parse_json("{\"a\":1} x", "m.json"),
                    "m.json:1:9: invalid JSON: unexpected content after the document");
  CHECK_THROWS_WITH(parse_json("[1, 2]\n\n  ]", "m.json"),
                    "m.json:3:3: invalid JSON: unexpected content after the document");
  CHECK_THROWS_WITH(parse_json("1 2", "m.json"),
                    "m.json:1:3: invalid JSON: unexpected content after the document");
}

TEST_CASE("a document with surrounding whitespace parses", "[json]") {
  json::value v = parse_json(" \r\n\t{\"a\": [1, 2.5, \"x\"]}\n\n", "m.json");
  CHECK(json::serialize(v) == "{\"a\":[1,2.5E0,\"x\"]}");
  CHECK(parse_json("123", "m.json").as_int64() == 123);
}

TEST_CASE("position_of counts lines and columns from 1", "[json]") {
  std::string text = "ab\ncd\n";
  auto at = [&](std::size_t offset) {
    common::TextPosition p = common::position_of(text, offset);
    return std::to_string(p.line) + ":" + std::to_string(p.column);
  };
  CHECK(at(0) == "1:1");
  CHECK(at(2) == "1:3");
  CHECK(at(3) == "2:1");
  CHECK(at(4) == "2:2");
  CHECK(at(6) == "3:1");
  CHECK(at(100) == "3:1");
}

TEST_CASE("read_json_file names the file in errors", "[json]") {
  TempDir dir;
  test_util::write_text(dir / "bad.json", "{\n  \"a\": tru\n}");
  CHECK_THROWS_WITH(common::read_json_file(dir / "bad.json"),
                    (dir / "bad.json").string() + ":2:8: invalid JSON: syntax error");
  CHECK_THROWS_AS(common::read_json_file(dir / "missing.json"), common::InputMissingError);
  test_util::write_text(dir / "good.json", "{\"k\": true}");
  CHECK(common::read_json_file(dir / "good.json").at("k").as_bool());
}

TEST_CASE("pretty JSON has a fixed layout and shortest round-trip numbers", "[json]") {
  json::object doc;
  doc["tenth"] = 0.1;
  doc["big"] = 1e300;
  doc["negative_zero"] = -0.0;
  doc["integer"] = 42;
  doc["whole_double"] = 3.0;
  doc["unsigned"] = std::uint64_t{18446744073709551615ull};
  doc["third"] = 1.0 / 3.0;
  doc["inf"] = std::numeric_limits<double>::infinity();
  doc["nan"] = std::nan("");
  doc["text"] = "quote \" and \n newline";
  doc["flags"] = json::array{true, false, nullptr};
  doc["scalars"] = json::array{1, 2.5, "x"};
  doc["rows"] = json::array{json::object{{"a", 1}}, json::array{}};
  doc["empty_object"] = json::object{};
  doc["empty_array"] = json::array{};
  CHECK(to_pretty_json(doc) ==
        "{\n"
        "  \"tenth\": 0.1,\n"
        "  \"big\": 1e+300,\n"
        "  \"negative_zero\": -0,\n"
        "  \"integer\": 42,\n"
        "  \"whole_double\": 3,\n"
        "  \"unsigned\": 18446744073709551615,\n"
        "  \"third\": 0.3333333333333333,\n"
        "  \"inf\": null,\n"
        "  \"nan\": null,\n"
        "  \"text\": \"quote \\\" and \\n newline\",\n"
        "  \"flags\": [true, false, null],\n"
        "  \"scalars\": [1, 2.5, \"x\"],\n"
        "  \"rows\": [\n"
        "    {\n"
        "      \"a\": 1\n"
        "    },\n"
        "    []\n"
        "  ],\n"
        "  \"empty_object\": {},\n"
        "  \"empty_array\": []\n"
        "}\n");
}

TEST_CASE("pretty JSON reads back to the same bytes", "[json]") {
  std::string text =
      "{\n"
      "  \"format\": \"pipeline-model\",\n"
      "  \"version\": 1,\n"
      "  \"coefficients\": [0.1, -2.5e-07, 123456.789, 1e+300],\n"
      "  \"nested\": {\n"
      "    \"k\": [\n"
      "      {\n"
      "        \"x\": 0.30000000000000004\n"
      "      }\n"
      "    ]\n"
      "  }\n"
      "}\n";
  CHECK(to_pretty_json(parse_json(text, "m.json")) == text);
  CHECK(to_pretty_json(json::value(1.5)) == "1.5\n");
}

TEST_CASE("doubles written as pretty JSON read back to the same bits", "[json]") {
  std::uint64_t state = 42;
  json::array values;
  while (values.size() < 5000) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    double d;
    std::memcpy(&d, &state, sizeof d);
    if (std::isfinite(d)) values.push_back(d);
    values.push_back(static_cast<double>(state >> 11) / 9007199254740992.0);  // in [0, 1)
  }
  json::value back = parse_json(to_pretty_json(values), "values.json");
  REQUIRE(back.as_array().size() == values.size());
  int differ = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    double want = values[i].as_double();
    double got = common::json_number(back.as_array()[i], "value");
    if (std::memcmp(&want, &got, sizeof want) != 0) ++differ;
  }
  CHECK(differ == 0);
}

TEST_CASE("json_number accepts every JSON number kind and names the field otherwise", "[json]") {
  CHECK(common::json_number(json::value(3), "alpha") == 3.0);
  CHECK(common::json_number(json::value(std::uint64_t{7}), "alpha") == 7.0);
  CHECK(common::json_number(json::value(0.25), "alpha") == 0.25);
  CHECK_THROWS_AS(common::json_number(json::value("1"), "alpha"), common::DataError);
  CHECK_THROWS_WITH(common::json_number(json::value("1"), "train.alpha"),
                    "train.alpha: expected a number");
  CHECK_THROWS_WITH(common::json_number(json::value(nullptr), "x"), "x: expected a number");
}
