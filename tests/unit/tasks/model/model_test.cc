#include "tasks/model/model.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "common/error.h"
#include "common/json_util.h"
#include "tests/support/small_model.h"
#include "tests/support/test_util.h"

namespace json = boost::json;
using tasks::load_model;
using tasks::Model;
using tasks::model_document;
using tasks::model_from_json;
using tasks::model_to_json;
using test_util::small_model;

namespace {

// The document of the small model with one field replaced (or removed when `value` is absent).
json::value edited(const std::string& key, const json::value* value) {
  json::object doc = model_to_json(small_model()).as_object();
  if (value == nullptr) {
    doc.erase(key);
  } else {
    doc[key] = *value;
  }
  return doc;
}

}  // namespace

TEST_CASE("a model document reads back to the same model", "[model]") {
  Model m = model_from_json(model_to_json(small_model()), "trained.pkl");
  REQUIRE(model_document(m) == model_document(small_model()));
  REQUIRE(m.features[1].category_coefficients == std::vector<double>{1, -1});
  REQUIRE(m.hyperparameters.seed == 7);
  REQUIRE(m.training_data.columns == std::vector<std::string>{"x", "y", "color"});
}

TEST_CASE("the model document starts with its format name and version", "[model]") {
  std::string doc = model_document(small_model());
  REQUIRE(doc.rfind("{\n  \"format\": \"pipeline-model\",\n  \"version\": 1,\n  \"kind\": "
                    "\"ridge_regression\",\n",
                    0) == 0);
  REQUIRE(doc.back() == '\n');
}

TEST_CASE("coefficients are named after their design column", "[model]") {
  std::vector<tasks::NamedCoefficient> c = tasks::coefficients(small_model());
  REQUIRE(c.size() == 3);
  REQUIRE(c[0].name == "x");
  REQUIRE(c[1].name == "color=a");
  REQUIRE(c[2].category == "b");
  REQUIRE(c[2].value == -1);
  REQUIRE(tasks::design_width(small_model()) == 3);
}

TEST_CASE("undefined metrics are written as null and read back as NaN", "[model]") {
  Model m = small_model();
  m.metrics.test = {};
  std::string doc = model_document(m);
  REQUIRE(doc.find("\"rmse\": null") != std::string::npos);
  Model back = model_from_json(common::parse_json(doc, "trained.pkl"), "trained.pkl");
  REQUIRE(std::isnan(back.metrics.test.rmse));
}

TEST_CASE("a document of another format is not a model", "[model]") {
  json::value format = "pipeline-run-manifest";
  REQUIRE_THROWS_WITH(
      model_from_json(edited("format", &format), "trained.pkl"),
      "trained.pkl: not a model document: expected \"format\": \"pipeline-model\", found "
      "\"pipeline-run-manifest\"");
  REQUIRE_THROWS_WITH(model_from_json(json::array{}, "trained.pkl"),
                      "trained.pkl: not a model document: expected a JSON object");
  REQUIRE_THROWS_WITH(model_from_json(edited("format", nullptr), "m.json"),
                      "m.json: not a model document: expected \"format\": \"pipeline-model\", "
                      "found no \"format\" field");
}

TEST_CASE("a model format version newer than the program's is refused", "[model]") {
  json::value version = 2;
  REQUIRE_THROWS_AS(model_from_json(edited("version", &version), "trained.pkl"), common::DataError);
  REQUIRE_THROWS_WITH(
      model_from_json(edited("version", &version), "trained.pkl"),
      "trained.pkl: model format version 2 is newer than this program supports (1); use a newer "
      "pipeline build");
  json::value zero = 0;
  REQUIRE_THROWS_WITH(model_from_json(edited("version", &zero), "trained.pkl"),
                      "trained.pkl: version: unsupported model format version 0");
  json::value text = "1";
  REQUIRE_THROWS_WITH(model_from_json(edited("version", &text), "trained.pkl"),
                      "trained.pkl: version: expected an integer");
}

TEST_CASE("an unknown model kind is refused", "[model]") {
  json::value kind = "xgboost";
  REQUIRE_THROWS_WITH(
      model_from_json(edited("kind", &kind), "trained.pkl"),
      "trained.pkl: kind: unsupported model kind \"xgboost\" (expected \"ridge_regression\")");
}

TEST_CASE("a figure that may be null must otherwise be finite, so it reads back as itself",
          "[model]") {
  json::object doc = model_to_json(small_model()).as_object();
  // 2e22220 parses as infinity, which the writer would write as null.
  doc["metrics"].as_object()["train"].as_object()["mae"] = json::parse("2e22220");
  REQUIRE_THROWS_WITH(model_from_json(doc, "trained.pkl"),
                      "trained.pkl: metrics.train.mae: expected a finite number or null");
}

TEST_CASE("a missing or mistyped field is named by its path", "[model]") {
  REQUIRE_THROWS_WITH(model_from_json(edited("intercept", nullptr), "trained.pkl"),
                      "trained.pkl: missing field \"intercept\"");
  json::object doc = model_to_json(small_model()).as_object();
  doc["features"].as_array()[0].as_object()["scale"] = "wide";
  REQUIRE_THROWS_WITH(model_from_json(doc, "trained.pkl"),
                      "trained.pkl: features[0].scale: expected a number");
  doc = model_to_json(small_model()).as_object();
  doc["features"].as_array()[1].as_object()["type"] = "ordinal";
  REQUIRE_THROWS_WITH(
      model_from_json(doc, "trained.pkl"),
      "trained.pkl: features[1].type: expected \"numeric\" or \"categorical\", found \"ordinal\"");
  doc = model_to_json(small_model()).as_object();
  doc["hyperparameters"].as_object()["seed"] = -1;
  REQUIRE_THROWS_WITH(model_from_json(doc, "trained.pkl"),
                      "trained.pkl: hyperparameters.seed: expected a non-negative integer");
}

TEST_CASE("coefficients that do not match the features are refused", "[model]") {
  json::object doc = model_to_json(small_model()).as_object();
  doc["coefficients"].as_array().pop_back();
  REQUIRE_THROWS_WITH(
      model_from_json(doc, "trained.pkl"),
      "trained.pkl: coefficients: expected 3 entries (one per design column), found 2");
  doc = model_to_json(small_model()).as_object();
  doc["coefficients"].as_array()[1].as_object()["category"] = "z";
  REQUIRE_THROWS_WITH(model_from_json(doc, "trained.pkl"),
                      "trained.pkl: coefficients[1]: expected the coefficient of \"color=a\"");
}

TEST_CASE("categories out of byte order are refused", "[model]") {
  json::object doc = model_to_json(small_model()).as_object();
  doc["features"].as_array()[1].as_object()["categories"] = json::array{"b", "a"};
  REQUIRE_THROWS_WITH(
      model_from_json(doc, "trained.pkl"),
      "trained.pkl: features[1].categories: expected distinct categories in byte order");
}

TEST_CASE("loading a model names the file in its errors", "[model]") {
  test_util::TempDir dir;
  REQUIRE_THROWS_AS(load_model(dir / "missing.pkl"), common::InputMissingError);
  test_util::write_text(dir / "bad.pkl", "{\"format\": ");
  REQUIRE_THROWS_WITH(load_model(dir / "bad.pkl"),
                      Catch::StartsWith((dir / "bad.pkl").string() + ":1:12: invalid JSON"));
  test_util::write_text(dir / "good.pkl", model_document(small_model()));
  REQUIRE(load_model(dir / "good.pkl").intercept == 10);
}
