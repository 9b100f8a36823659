// End-to-end tests of the `serve` binary: real HTTP on free loopback ports.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/serve/serve_test_support.h"

namespace fs = std::filesystem;
using serve_test::HttpClient;
using serve_test::HttpResponse;
using serve_test::RawConnection;
using serve_test::ServeProcess;

namespace {

const std::string kJson = "application/json";

std::string error_body(int status, const std::string& message) {
  return "{\"error\":\"" + message + "\",\"status\":" + std::to_string(status) + "}\n";
}

}  // namespace

TEST_CASE("serve answers health, model and predict over HTTP", "[serve][e2e]") {
  test_util::TempDir dir;
  const auto& m = serve_test::models();
  ServeProcess serve({"--model", m.good().string()}, dir.path());
  std::string sha = serve_test::file_sha256(m.good());
  HttpClient client(serve.port());

  HttpResponse health = client.get("/health");
  CHECK(health.status == 200);
  CHECK(health.body.rfind("{\"status\":\"ok\",\"model_sha256\":\"" + sha + "\",\"uptime_s\":", 0) ==
        0);
  HttpResponse model = client.get("/model");
  CHECK(model.status == 200);
  CHECK(model.body.find("\"target\": \"median_house_value\"") != std::string::npos);
  CHECK(model.body.find("\"categories\": [\"<1H OCEAN\", \"INLAND\", \"ISLAND\", \"NEAR BAY\", "
                        "\"NEAR OCEAN\"]") != std::string::npos);

  HttpResponse one = client.post("/predict", kJson, serve_test::sample_row_json());
  CHECK(one.status == 200);
  HttpResponse two =
      client.post("/predict", kJson,
                  "[" + serve_test::sample_row_json() + "," + serve_test::sample_row_json() + "]");
  std::string value = one.body.substr(one.body.find('[') + 1);
  value = value.substr(0, value.find(']'));
  CHECK(one.body == "{\"model_sha256\":\"" + sha + "\",\"predictions\":[" + value + "]}\n");
  CHECK(two.body ==
        "{\"model_sha256\":\"" + sha + "\",\"predictions\":[" + value + "," + value + "]}\n");
  HttpResponse csv =
      client.post("/predict", "text/csv; charset=utf-8", test_util::read_text(m.clean_csv()));
  CHECK(csv.status == 200);
  CHECK(csv.headers.find("Content-Type: application/json") != std::string::npos);
}

TEST_CASE("serve answers bad requests with their status and a message naming the place",
          "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--body-limit", "1000"},
                     dir.path());
  HttpClient client(serve.port());
  std::string row = serve_test::sample_row_json();

  std::string missing = row;
  missing.replace(missing.find("\"median_income\""),
                  std::string("\"median_income\":8.3252,").size(), "");
  HttpResponse r = client.post("/predict", kJson, "[" + row + "," + missing + "]");
  CHECK(r.status == 400);
  CHECK(r.body == error_body(400, "row 1: missing field \\\"median_income\\\""));

  std::string text = row;
  text.replace(text.find("8.3252"), 6, "\"lots\"");
  r = client.post("/predict", kJson, text);
  CHECK(r.status == 400);
  CHECK(r.body ==
        error_body(400, "row 0: field \\\"median_income\\\": expected a number, got \\\"lots\\\""));

  r = client.post("/predict", kJson, "[\n{\"longitude\": -122.23,,}]");
  CHECK(r.status == 400);
  CHECK(r.body == error_body(400, "body:2:23: invalid JSON: syntax error"));

  r = client.post("/predict", "text/csv", "longitude,latitude\n1,2\n");
  CHECK(r.status == 400);
  CHECK(r.body.find("body: missing column \\\"housing_median_age\\\" needed by the model") !=
        std::string::npos);

  r = client.post("/predict", "text/plain", row);
  CHECK(r.status == 415);
  CHECK(r.body ==
        error_body(
            415,
            "unsupported content type \\\"text/plain\\\": expected application/json or text/csv"));

  r = client.get("/metrics");
  CHECK(r.status == 404);
  CHECK(r.body ==
        error_body(404, "no endpoint /metrics; endpoints: GET /health, GET /model, POST /predict"));

  r = client.request("PUT", "/predict", {"Content-Type: application/json"}, row);
  CHECK(r.status == 405);
  CHECK(r.headers.find("Allow: POST") != std::string::npos);
  CHECK(r.body == error_body(405, "method PUT not allowed on /predict; use POST"));

  r = client.post("/predict", kJson, "[" + std::string(2000, ' ') + "]");
  CHECK(r.status == 413);
  CHECK(r.body == error_body(413, "request body over the limit of 1000 bytes"));
  HttpClient expecting(serve.port());  // curl waits for 100-continue: refused before the body
  r = expecting.request("POST", "/predict",
                        {"Content-Type: application/json", "Expect: 100-continue"},
                        std::string(5000, ' '));
  CHECK(r.status == 413);

  HttpClient after(serve.port());  // and the service still answers
  CHECK(after.get("/health").status == 200);
}

TEST_CASE("a body sent after Expect: 100-continue is read and answered", "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
  RawConnection c(serve.port());
  std::string body = serve_test::sample_row_json();
  c.send(
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: "
      "100-continue\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  c.send(body);
  std::string answer = c.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("a client that sends half a request and stalls gets 408 while others are served",
          "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--read-timeout", "0.5"},
                     dir.path());
  RawConnection stalled_body(serve.port());
  stalled_body.send(
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{\"longitude\":");
  RawConnection stalled_header(serve.port());
  stalled_header.send("GET /health HTTP/1.1\r\nHost:");

  HttpClient client(serve.port());
  CHECK(client.get("/health").status == 200);

  std::string answer = stalled_body.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0);
  CHECK(answer.find(error_body(408, "request not received whole within 0.5 s")) !=
        std::string::npos);
  CHECK(stalled_header.read_until_closed().rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0);
  CHECK(client.get("/health").status == 200);
}

TEST_CASE("a client that half-closes mid-request gets 400 and the connection ends",
          "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
  RawConnection c(serve.port());
  c.send(
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "50\r\n\r\n{");
  c.shutdown_write();
  std::string answer = c.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(answer.find(
            error_body(400, "incomplete request: the client closed the connection mid-request")) !=
        std::string::npos);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout", "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--idle-timeout", "0.3"},
                     dir.path());
  RawConnection idle(serve.port());
  idle.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string answer = idle.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(answer.find("\"status\":\"ok\"") != std::string::npos);
}

TEST_CASE("malformed HTTP gets 400 and never crashes the service", "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
  RawConnection c(serve.port());
  c.send("BLAH\x01 / HTTP/1.1\r\n\r\n");
  CHECK(c.read_until_closed().rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  RawConnection chunked(serve.port());
  chunked.send(
      "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: "
      "text/csv\r\n\r\n"
      "zz\r\n");
  CHECK(chunked.read_until_closed().rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  HttpClient client(serve.port());
  CHECK(client.get("/health").status == 200);
}

TEST_CASE("SIGTERM stops accepting, finishes the request in flight and exits 0", "[serve][e2e]") {
  test_util::TempDir dir;
  ServeProcess serve(
      {"--model", serve_test::models().good().string(), "--pid-file", (dir / "serve.pid").string()},
      dir.path());
  REQUIRE(fs::exists(dir / "serve.pid"));
  RawConnection idle(serve.port());
  idle.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpClient warm(serve.port());
  REQUIRE(warm.get("/health").status == 200);  // the idle connection's answer is on its way

  std::string body = serve_test::sample_row_json();
  RawConnection in_flight(serve.port());
  in_flight.send(
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 20));
  serve.process().signal(SIGTERM);
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    refused = serve_test::connection_refused(serve.port());
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(refused);
  in_flight.send(body.substr(20));
  std::string answer = in_flight.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(answer.find("Connection: close\r\n") != std::string::npos);
  CHECK(answer.find("\"predictions\":[") != std::string::npos);
  std::string idle_answer = idle.read_until_closed();
  CHECK(idle_answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);  // its one request, then closed
  CHECK(serve.process().wait() == 0);
  CHECK_FALSE(fs::exists(dir / "serve.pid"));
  std::string log = test_util::read_text(dir / "logs/serve.log");
  CHECK(log.find("\"event\":\"stop\"") != std::string::npos);
}

TEST_CASE("SIGHUP under load swaps the model without losing a request", "[serve][e2e]") {
  test_util::TempDir dir;
  const auto& m = serve_test::models();
  fs::copy_file(m.good(), dir / "model.json");
  ServeProcess serve({"--model", (dir / "model.json").string(), "--threads", "2"}, dir.path());
  std::string old_sha = serve_test::file_sha256(m.good());
  std::string new_sha = serve_test::file_sha256(m.other());

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> answered_new{0};
  auto hammer = [&](bool reuse) {
    HttpClient client(serve.port(), reuse);
    while (!done) {
      HttpResponse r = client.post("/predict", kJson, serve_test::sample_row_json());
      if (r.status != 200) {
        ++failures;
      } else if (r.body.find(new_sha) != std::string::npos) {
        ++answered_new;
      } else if (r.body.find(old_sha) == std::string::npos) {
        ++failures;
      }
    }
  };
  std::thread keep_alive(hammer, true);
  std::thread reconnecting(hammer, false);
  for (int i = 0; i < 5; ++i) {  // reloads of the same model, then the swap
    serve.process().signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  fs::copy_file(m.other(), dir / "model.json.tmp");
  fs::rename(dir / "model.json.tmp", dir / "model.json");
  serve.process().signal(SIGHUP);
  for (int i = 0; i < 2000 && answered_new < 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  done = true;
  keep_alive.join();
  reconnecting.join();
  CHECK(failures == 0);
  CHECK(answered_new >= 200);
  HttpClient client(serve.port());
  CHECK(client.get("/health").body.find(new_sha) != std::string::npos);
}

TEST_CASE("a reload that fails keeps serving the old model", "[serve][e2e]") {
  test_util::TempDir dir;
  const auto& m = serve_test::models();
  fs::copy_file(m.good(), dir / "model.json");
  ServeProcess serve({"--model", (dir / "model.json").string()}, dir.path());
  test_util::write_text(dir / "model.json", "{\"format\":");
  serve.process().signal(SIGHUP);
  std::string log_path = (dir / "logs/serve.log").string();
  bool logged = false;
  for (int i = 0; i < 1000 && !logged; ++i) {
    logged =
        test_util::read_text(log_path).find("\"event\":\"reload_failed\"") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(logged);
  HttpClient client(serve.port());
  CHECK(client.get("/health").body.find(serve_test::file_sha256(m.good())) != std::string::npos);
}

TEST_CASE("serve refuses bad flags, a missing deployment and a port in use", "[serve][e2e]") {
  test_util::TempDir dir;
  std::string serve = test_util::bin("serve").string();
  test_util::ProcessResult r = test_util::run_process({serve, "--port", "1"}, dir.path());
  CHECK(r.exit_code == 64);
  CHECK(r.err ==
        "serve: expected exactly one of --deploy-dir DIR and --model FILE (see serve --help)\n");
  r = test_util::run_process({serve, "--deploy-dir", (dir / "deploy").string()}, dir.path());
  CHECK(r.exit_code == 66);
  CHECK(r.err ==
        "serve: " + (dir / "deploy/current").string() + ": nothing is deployed (run save first)\n");
  ServeProcess running({"--model", serve_test::models().good().string()}, dir.path());
  r = test_util::run_process({serve, "--model", serve_test::models().good().string(), "--port",
                              std::to_string(running.port())},
                             dir.path());
  CHECK(r.exit_code == 75);
  CHECK(r.err == "serve: cannot listen on 127.0.0.1:" + std::to_string(running.port()) +
                     ": Address already in use\n");
}

TEST_CASE("every request is one line of the JSONL access log", "[serve][e2e]") {
  test_util::TempDir dir;
  {
    ServeProcess serve({"--model", serve_test::models().good().string(), "--run-id", "run-7"},
                       dir.path());
    HttpClient client(serve.port());
    client.get("/health");
    client.post("/predict", kJson, "[" + serve_test::sample_row_json() + "]");
    client.get("/nope");
  }
  std::vector<std::string> lines = test_util::read_lines(dir / "logs/serve.log");
  std::vector<std::string> requests;
  for (const std::string& line : lines) {
    if (line.find("\"event\":\"request\"") != std::string::npos) requests.push_back(line);
    CHECK(line.find("\"run_id\":\"run-7\"") != std::string::npos);
  }
  REQUIRE(requests.size() == 4);  // the first is ServeProcess's readiness probe
  requests.erase(requests.begin());
  CHECK(requests[0].find("\"msg\":\"GET 200\"") != std::string::npos);
  CHECK(requests[0].find("\"target\":\"/health\"") != std::string::npos);
  CHECK(requests[1].find("\"msg\":\"POST 200\"") != std::string::npos);
  CHECK(requests[1].find("\"rows\":1") != std::string::npos);
  CHECK(requests[2].find("\"msg\":\"GET 404\"") != std::string::npos);
  CHECK(requests[2].find("\"target\":\"/nope\"") != std::string::npos);
}
