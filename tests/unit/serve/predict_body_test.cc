#include "serve/predict_body.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/unit/serve/serve_fixture.h"

using serve::BodyFormat;

namespace {

std::vector<double> predict(BodyFormat format, const std::string& body) {
  return serve::predict_body(test_util::small_model(), format, body);
}

}  // namespace

TEST_CASE("content types name the body format, parameters and case ignored", "[serve][body]") {
  CHECK(serve::body_format("application/json") == BodyFormat::kJson);
  CHECK(serve::body_format("Application/JSON; charset=utf-8") == BodyFormat::kJson);
  CHECK(serve::body_format("text/csv") == BodyFormat::kCsv);
  CHECK(serve::body_format(" text/csv ;header=present") == BodyFormat::kCsv);
  CHECK_FALSE(serve::body_format("").has_value());
  CHECK_FALSE(serve::body_format("text/plain").has_value());
  CHECK_FALSE(serve::body_format("application/jsonx").has_value());
}

TEST_CASE("one JSON object gives one prediction", "[serve][body]") {
  CHECK(predict(BodyFormat::kJson, R"({"x": 2, "color": "a"})") == std::vector<double>{15});
}

TEST_CASE("a JSON array gives predictions in order, numbers as strings accepted", "[serve][body]") {
  CHECK(predict(BodyFormat::kJson,
                R"([{"x": 1, "color": "b"}, {"x": "1.5", "color": "zzz", "extra": true}])") ==
        std::vector<double>{9, 12});
  CHECK(predict(BodyFormat::kJson, "[]").empty());
}

TEST_CASE("a CSV body with a header gives one prediction per row", "[serve][body]") {
  CHECK(predict(BodyFormat::kCsv, "color,y,x\na,0,2\r\nb,0,1\n") == std::vector<double>{15, 9});
}

TEST_CASE("bad bodies name the row and field", "[serve][body]") {
  auto json = [](const std::string& body) { return predict(BodyFormat::kJson, body); };
  auto csv = [](const std::string& body) { return predict(BodyFormat::kCsv, body); };
  CHECK_THROWS_WITH(json(" \n"), "empty body: expected a JSON object or an array of objects");
  CHECK_THROWS_WITH(csv(""), "empty body: expected a header row and one row per prediction");
  CHECK_THROWS_WITH(json("{\"x\": 1,\n \"color\" \"a\"}"), "body:2:10: invalid JSON: syntax error");
  CHECK_THROWS_WITH(json("[{\"x\": 1, \"color\": \"a\"}"),
                    "body:1:24: invalid JSON: incomplete JSON");
  CHECK_THROWS_WITH(json("42"),
                    "body: expected a JSON object or an array of objects, got a number");
  CHECK_THROWS_WITH(json(R"([{"x": 1, "color": "a"}, "x"])"),
                    "row 1: expected a JSON object, got a string");
  CHECK_THROWS_WITH(json(R"([{"x": 1, "color": "a"}, {"color": "a"}])"),
                    "row 1: missing field \"x\"");
  CHECK_THROWS_WITH(json(R"({"x": "abc", "color": "a"})"),
                    "row 0: field \"x\": expected a number, got \"abc\"");
  CHECK_THROWS_WITH(json(R"({"x": 1, "color": 3})"),
                    "row 0: field \"color\": expected a string (a category), got 3");
  CHECK_THROWS_WITH(csv("x,color\n1,a\nabc,b\n"),
                    "body:3: column \"x\": expected a number, got \"abc\"");
  CHECK_THROWS_WITH(csv("x\n1\n"),
                    "body: missing column \"color\" needed by the model; columns: x");
  CHECK_THROWS_WITH(csv("x,color\n1,a,3\n"), "body:2: expected 2 fields, found 3");
}

TEST_CASE("a prediction that overflows is refused with its row", "[serve][body]") {
  CHECK_THROWS_WITH(
      predict(BodyFormat::kJson, R"([{"x": 1, "color": "a"}, {"x": 1e308, "color": "a"}])"),
      "row 1: the prediction is not a finite number");
}

TEST_CASE("a CSV body with two columns of one name is refused, naming the column",
          "[serve][body]") {
  CHECK_THROWS_WITH(predict(BodyFormat::kCsv, "x,color,x\n2,a,3\n"),
                    "body:1: duplicate column name \"x\" (columns 1 and 3)");
}

TEST_CASE("a JSON body with two equal keys in one row is refused, naming the key",
          "[serve][body]") {
  CHECK_THROWS_WITH(predict(BodyFormat::kJson, R"({"x": 1, "color": "a", "x": 2})"),
                    "body:1:26: duplicate key \"x\"");
  CHECK_THROWS_WITH(
      predict(BodyFormat::kJson,
              "[{\"x\": 1, \"color\": \"a\"},\n {\"color\": \"b\", \"color\": \"a\", \"x\": 1}]"),
      "body:2:23: duplicate key \"color\"");
  // The same key in two rows is fine.
  CHECK(predict(BodyFormat::kJson, R"([{"x": 2, "color": "a"}, {"x": 2, "color": "a"}])") ==
        std::vector<double>{15, 15});
}
