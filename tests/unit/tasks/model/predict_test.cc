#include "tasks/model/predict.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/support/small_model.h"

namespace json = boost::json;
using tasks::FieldValue;
using tasks::predict_fields;
using tasks::predict_json;
using tasks::predict_row;
using test_util::small_model;

namespace {

std::vector<std::size_t> columns = {0, 2};  // x, color in the header "x,y,color"

double predict(std::vector<std::string_view> fields) {
  return predict_fields(small_model(), columns, fields, "rows.csv", 2);
}

}  // namespace

TEST_CASE("a prediction standardizes numbers and adds the category's coefficient", "[predict]") {
  // 10 + 2 * (2 - 1) / 0.5 + 1
  REQUIRE(predict({"2", "", "a"}) == 15);
  // 10 + 2 * (0.5 - 1) / 0.5 - 1
  REQUIRE(predict({"0.5", "999", "b"}) == 7);
}

TEST_CASE("an unseen category adds nothing", "[predict]") {
  REQUIRE(predict({"1", "", "c"}) == 10);
  REQUIRE(predict({"1", "", "A"}) == 10);
}

TEST_CASE("a numeric feature that is not a finite number is an error naming the row and column",
          "[predict]") {
  REQUIRE_THROWS_AS(predict({"abc", "", "a"}), common::DataError);
  REQUIRE_THROWS_WITH(predict({"abc", "", "a"}),
                      "rows.csv:2: column \"x\": expected a number, got \"abc\"");
  REQUIRE_THROWS_WITH(predict({"inf", "", "a"}),
                      "rows.csv:2: column \"x\": expected a finite number, got \"inf\"");
  REQUIRE_THROWS_WITH(predict({"", "", "a"}), "rows.csv:2: column \"x\": missing value");
  REQUIRE_THROWS_WITH(predict({"1", "", ""}), "rows.csv:2: column \"color\": missing value");
}

TEST_CASE("the row accessor gives the values by feature index", "[predict]") {
  std::vector<std::string> values = {"3", "b"};
  double y = predict_row(
      small_model(),
      [&](std::size_t i) {
        return FieldValue{FieldValue::Kind::kText, values[i], 0};
      },
      "row 1");
  REQUIRE(y == 10 + 2 * (3 - 1) / 0.5 - 1);
  REQUIRE_THROWS_WITH(predict_row(
                          small_model(), [](std::size_t) { return FieldValue{}; }, "row 1"),
                      "row 1: missing column \"x\"");
}

TEST_CASE("a JSON object predicts by field name", "[predict]") {
  json::object row = json::parse(R"({"color": "a", "x": 2, "extra": [1]})").as_object();
  REQUIRE(predict_json(small_model(), row, "row 0") == 15);
  row["x"] = "2";
  REQUIRE(predict_json(small_model(), row, "row 0") == 15);
}

TEST_CASE("a JSON object with a missing or mistyped field names it", "[predict]") {
  auto predict_text = [](const char* text) {
    return predict_json(small_model(), json::parse(text).as_object(), "row 3");
  };
  REQUIRE_THROWS_WITH(predict_text(R"({"color": "a"})"), "row 3: missing field \"x\"");
  REQUIRE_THROWS_WITH(predict_text(R"({"x": null, "color": "a"})"),
                      "row 3: field \"x\": missing value");
  REQUIRE_THROWS_WITH(predict_text(R"({"x": true, "color": "a"})"),
                      "row 3: field \"x\": expected a number, got true");
  REQUIRE_THROWS_WITH(predict_text(R"({"x": "n/a", "color": "a"})"),
                      "row 3: field \"x\": expected a number, got \"n/a\"");
  REQUIRE_THROWS_WITH(predict_text(R"({"x": 1, "color": 3})"),
                      "row 3: field \"color\": expected a string (a category), got 3");
  REQUIRE_THROWS_WITH(predict_text(R"({"x": 1, "color": ["a"]})"),
                      "row 3: field \"color\": expected a string (a category), got [\"a\"]");
}

TEST_CASE("binding a header finds each feature's column", "[predict]") {
  std::vector<std::string_view> header = {"color", "id", "x"};
  REQUIRE(tasks::bind_columns(small_model(), header, "rows.csv") == std::vector<std::size_t>{2, 0});
}

TEST_CASE("a header without a feature column lists the columns", "[predict]") {
  std::vector<std::string_view> header = {"id", "x", "colour"};
  REQUIRE_THROWS_WITH(
      tasks::bind_columns(small_model(), header, "rows.csv"),
      "rows.csv: missing column \"color\" needed by the model; columns: id, x, colour");
}
