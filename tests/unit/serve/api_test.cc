#include "serve/api.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/json_util.h"
#include "tests/unit/serve/serve_fixture.h"

namespace {

serve::ApiResponse call(const serve::ModelHolder& holder, std::string_view method,
                        std::string_view target, std::string_view content_type = "",
                        std::string_view body = "", const serve::ServiceIdentity& identity = {}) {
  serve::Api api(holder, identity);
  return api.handle({method, target, content_type, body});
}

}  // namespace

TEST_CASE("health reports the model's sha256 and the uptime", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served("abc"));
  serve::ApiResponse r = call(holder, "GET", "/health");
  CHECK(r.status == 200);
  CHECK(r.body.rfind(R"({"status":"ok","model_sha256":"abc","uptime_s":)", 0) == 0);
}

TEST_CASE("model answers the metadata with features, types and categories", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served("abc"));
  serve::ApiResponse r = call(holder, "GET", "/model?verbose=1");
  CHECK(r.status == 200);
  CHECK(r.body.find("\"model_sha256\": \"abc\"") != std::string::npos);
  CHECK(r.body.find("\"target\": \"y\"") != std::string::npos);
  CHECK(r.body.find("\"name\": \"color\",\n      \"type\": \"categorical\",\n"
                    "      \"categories\": [\"a\", \"b\"]") != std::string::npos);
  CHECK(r.body.find("\"alpha\"") != std::string::npos);
  CHECK(r.body.find("\"rmse\": 1.5") != std::string::npos);
}

TEST_CASE("predict answers predictions in order with the model sha256", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served("abc"));
  serve::ApiResponse r = call(holder, "POST", "/predict", "application/json",
                              R"([{"x": 2, "color": "a"}, {"x": 1, "color": "b"}])");
  CHECK(r.status == 200);
  CHECK(r.body == "{\"model_sha256\":\"abc\",\"predictions\":[15,9]}\n");
  CHECK(r.rows == 2);
}

TEST_CASE("a bad row is a 400 naming the row and field", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served());
  serve::ApiResponse r = call(holder, "POST", "/predict", "text/csv", "x,color\n1,a\n,b\n");
  CHECK(r.status == 400);
  CHECK(r.body == "{\"error\":\"body:3: column \\\"x\\\": missing value\",\"status\":400}\n");
}

TEST_CASE("another content type is a 415", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served());
  serve::ApiResponse r = call(holder, "POST", "/predict", "text/plain", "x");
  CHECK(r.status == 415);
  CHECK(r.body ==
        "{\"error\":\"unsupported content type \\\"text/plain\\\": expected application/json or "
        "text/csv\",\"status\":415}\n");
}

TEST_CASE("an unknown path is a 404 listing the endpoints", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served());
  serve::ApiResponse r = call(holder, "GET", "/predictions");
  CHECK(r.status == 404);
  CHECK(
      r.body ==
      "{\"error\":\"no endpoint /predictions; endpoints: GET /health, GET /model, POST /predict\","
      "\"status\":404}\n");
}

TEST_CASE("a 404 for a target of invalid UTF-8 is valid UTF-8 JSON, cut", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served());
  serve::ApiResponse r = call(holder, "GET", "/\xff" + std::string(10000, 'a'));
  CHECK(r.status == 404);
  CHECK(common::is_valid_utf8(r.body));
  CHECK(r.body.size() < 600);
  CHECK(
      r.body.starts_with("{\"error\":\"no endpoint /\xEF\xBF\xBD"
                         "aaa"));
  CHECK(boost::json::parse(r.body).as_object().at("status") == 404);
}

TEST_CASE("a wrong method is a 405 with Allow", "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served());
  serve::ApiResponse get = call(holder, "GET", "/predict");
  CHECK(get.status == 405);
  CHECK(get.allow == "POST");
  CHECK(get.body ==
        "{\"error\":\"method GET not allowed on /predict; use POST\",\"status\":405}\n");
  serve::ApiResponse post = call(holder, "POST", "/health");
  CHECK(post.status == 405);
  CHECK(post.allow == "GET, HEAD");
}

TEST_CASE("a reload changes the model later requests see, not the one a caller holds",
          "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served("old"));
  std::shared_ptr<const serve::ServedModel> held = holder.get();
  holder.set(serve_fixture::served("new"));
  CHECK(held->sha256 == "old");
  CHECK(call(holder, "POST", "/predict", "application/json", R"({"x": 1, "color": "a"})").body ==
        "{\"model_sha256\":\"new\",\"predictions\":[11]}\n");
}

TEST_CASE("health says which process and deployment answer, null ones for a model file",
          "[serve][api]") {
  serve::ModelHolder holder(serve_fixture::served("abc"));
  serve::ApiResponse deployed = call(holder, "GET", "/health", "", "",
                                     {"/srv/deploy \"a\"", "0123456789abcdef0123456789abcdef"});
  serve::ApiResponse file = call(holder, "GET", "/health");
  std::string pid = std::to_string(::getpid());
  CHECK(deployed.body.find(",\"pid\":" + pid +
                           R"(,"deploy_dir":"/srv/deploy \"a\"","deployment_id":")"
                           "0123456789abcdef0123456789abcdef\"}\n") != std::string::npos);
  CHECK(file.body.find(",\"pid\":" + pid + ",\"deploy_dir\":null,\"deployment_id\":null}\n") !=
        std::string::npos);
}
