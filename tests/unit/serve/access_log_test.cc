#include "serve/access_log.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "tests/support/test_util.h"

namespace json = boost::json;

TEST_CASE("a request is one JSON line with every log field", "[serve][log]") {
  test_util::TempDir dir;
  {
    serve::AccessLog log(dir / "logs", "run-1");
    serve::RequestRecord r;
    r.method = "POST";
    r.target = "/predict";
    r.status = 400;
    r.bytes_in = 12;
    r.peer = "127.0.0.1:5";
    log.request(r);
  }
  std::vector<std::string> lines = test_util::read_lines(dir / "logs/serve.log");
  REQUIRE(lines.size() == 1);
  json::object o = json::parse(lines[0]).as_object();
  for (const char* key : {"run_id", "ts", "task", "level", "event", "msg", "git_sha", "input_paths",
                          "output_paths", "metrics", "duration_s", "status"}) {
    CHECK(o.contains(key));
  }
  CHECK(o["run_id"] == "run-1");
  CHECK(o["task"] == "serve");
  CHECK(o["event"] == "request");
  CHECK(o["level"] == "warning");
  CHECK(o["msg"] == "POST 400");  // the target only once, in metrics
  CHECK(o["metrics"].as_object()["target"] == "/predict");
  CHECK(o["metrics"].as_object()["target_bytes"] == 8);
  CHECK(o["status"] == "running");
  CHECK(o["metrics"].as_object()["http_status"] == 400);
  CHECK(o["metrics"].as_object()["bytes_in"] == 12);
}

TEST_CASE("threads logging at once never tear a line", "[serve][log]") {
  test_util::TempDir dir;
  {
    serve::AccessLog log(dir / "logs", "run-1");
    std::string long_target(3000, 'x');
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        serve::RequestRecord r;
        r.method = "GET";
        r.target = long_target;
        r.status = 200;
        for (int i = 0; i < 200; ++i) log.request(r);
      });
    }
    for (std::thread& t : threads) t.join();
  }
  std::vector<std::string> lines = test_util::read_lines(dir / "logs/serve.log");
  REQUIRE(lines.size() == 800);
  for (const std::string& line : lines) {
    boost::system::error_code ec;
    json::parse(line, ec);
    REQUIRE_FALSE(ec);
  }
}

TEST_CASE("a logged target is cut to its limit with an ellipsis and percent-encodes non-ASCII",
          "[serve][log]") {
  CHECK(serve::loggable("/health?x=1", 256) == "/health?x=1");
  CHECK(serve::loggable(std::string(256, 'a'), 256) == std::string(256, 'a'));
  CHECK(serve::loggable(std::string(257, 'a'), 256) == std::string(256, 'a') + "\u2026");
  CHECK(serve::loggable("/caf\xc3\xa9\xff\x01", 256) == "/caf%C3%A9%FF%01");
  // Never inside an escape: "/ab" fits 4 bytes, "%FF" would not.
  CHECK(serve::loggable("/ab\xff", 4) == "/ab\u2026");
}

TEST_CASE("a request line with a long target that is not UTF-8 is valid JSON under 1 KB",
          "[serve][log]") {
  test_util::TempDir dir;
  {
    serve::AccessLog log(dir / "logs", "run-1");
    std::string target = "/\xff" + std::string(100 * 1024, 'a');
    serve::RequestRecord r;
    r.method = "GET";
    r.target = target;
    r.status = 404;
    log.request(r);
  }
  std::vector<std::string> lines = test_util::read_lines(dir / "logs/serve.log");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].size() < 1024);
  json::object o = json::parse(lines[0]).as_object();  // throws on invalid UTF-8
  CHECK(std::string(o["metrics"].as_object()["target"].as_string()) ==
        "/%FF" + std::string(252, 'a') + "\u2026");
  CHECK(o["metrics"].as_object()["target_bytes"] == 100 * 1024 + 2);
}
