// End-to-end tests of what one client may take from `serve` (connections, body memory,
// keep-alive life, the access log, prediction threads) and of its HTTP conformance (HEAD,
// Host, Transfer-Encoding): the real binary over raw sockets on free loopback ports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/e2e/serve/serve_test_support.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using serve_test::HttpClient;
using serve_test::HttpResponse;
using serve_test::ServeProcess;

// Named, not anonymous: the test build is a unity build (helpers of other files share it).
namespace limits_e2e {

std::string error_json(int status, const std::string& message) {
  return "{\"error\":\"" + message + "\",\"status\":" + std::to_string(status) + "}\n";
}

// A raw keep-alive connection that reads one response at a time, so a test sees exactly
// where each answer ends (a stray body byte would show as the next status line).
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error(std::string("cannot connect: ") + std::strerror(errno));
    }
    timeval tv{};
    tv.tv_sec = 20;  // reached only by a server that hangs: the read then fails the test
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error(std::string("cannot send: ") + std::strerror(errno));
      done += static_cast<std::size_t>(n);
    }
  }

  // The next response, header block and body (Content-Length bytes; none for `head`, or
  // for a 100 Continue). "" when the connection closed or the guard expired first.
  std::string read_response(bool head = false) {
    for (;;) {
      std::size_t end = in_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        std::size_t at = in_.substr(0, end).find("\r\nContent-Length: ");
        if (!head && at != std::string::npos) length = std::stoul(in_.substr(at + 18));
        if (in_.size() >= end + 4 + length) {
          std::string response = in_.substr(0, end + 4 + length);
          in_.erase(0, end + 4 + length);
          return response;
        }
      }
      if (!fill()) return "";
    }
  }

  // Whether the server closes the connection (true), sending nothing more; false when
  // bytes arrive or the guard expires first.
  bool closed_by_server() {
    if (!in_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  // Everything until the server closes.
  std::string read_until_closed() {
    while (fill()) {
    }
    return std::exchange(in_, {});
  }

 private:
  bool fill() {
    char buffer[65536];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    in_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string in_;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

std::string post_header(const std::string& content_type, std::size_t length,
                        const std::string& extra = "") {
  return "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(length) + "\r\n" + extra + "\r\n";
}

bool has_header(const std::string& response, const std::string& header) {
  return response.substr(0, response.find("\r\n\r\n") + 2).find("\r\n" + header + "\r\n") !=
         std::string::npos;
}

std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

// Waits (bounded: a failing service ends the test) until the log has a line with `text`.
bool log_shows(const fs::path& log, const std::string& text) {
  for (int i = 0; i < 1000; ++i) {
    if (test_util::read_text(log).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The access log's request lines whose http_status is `status`, parsed.
std::vector<std::pair<std::string, json::object>> logged_requests(const fs::path& log,
                                                                  unsigned status) {
  std::vector<std::pair<std::string, json::object>> out;
  for (const std::string& line : test_util::read_lines(log)) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);  // Boost.JSON refuses invalid UTF-8
    REQUIRE_FALSE(ec);
    json::object& o = v.as_object();
    if (o["event"] != "request" || o["metrics"].as_object()["http_status"] != status) continue;
    out.emplace_back(line, o);
  }
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

}  // namespace limits_e2e

using namespace limits_e2e;

TEST_CASE("idle connections over --max-connections close the oldest and /health still answers",
          "[serve][e2e][limits]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--max-connections", "4",
                      "--idle-timeout", "600"},
                     dir.path());
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < 12; ++i) idle.push_back(std::make_unique<Connection>(serve.port()));

  HttpClient client(serve.port());
  CHECK(client.get("/health").status == 200);
  // 13 connections under a limit of 4: those idle the longest were closed in turn. The
  // readiness probe's connection may still count for a while (closed by the client, not
  // yet seen by the service), so connections 8 and 9 may go either way.
  for (int i = 0; i < 8; ++i) CHECK(idle[static_cast<std::size_t>(i)]->closed_by_server());
  for (int i = 10; i < 12; ++i) {
    Connection& c = *idle[static_cast<std::size_t>(i)];
    c.send(get("/health"));
    CHECK(c.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  }
}

TEST_CASE("accepting pauses while every connection is busy and resumes when one turns idle",
          "[serve][e2e][limits]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--max-connections", "2",
                      "--idle-timeout", "600", "--read-timeout", "600"},
                     dir.path());
  std::string row = serve_test::sample_row_json();
  // Two requests under way: each has had its 100 Continue, so the service is reading them.
  Connection a(serve.port());
  a.send(post_header("application/json", row.size(), "Expect: 100-continue\r\n"));
  REQUIRE(a.read_response() == "HTTP/1.1 100 Continue\r\n\r\n");
  Connection b(serve.port());
  b.send(post_header("application/json", row.size(), "Expect: 100-continue\r\n"));
  REQUIRE(b.read_response() == "HTTP/1.1 100 Continue\r\n\r\n");
  CHECK(log_shows(dir / "logs/serve.log", "\"event\":\"connection_limit\""));

  Connection c(serve.port());  // waits in the kernel's backlog
  c.send(get("/health"));
  a.send(row);  // a's answer turns it idle: accepting resumes, an idle one closes for c
  CHECK(a.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(c.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("a keep-alive connection is closed after --max-requests-per-connection requests",
          "[serve][e2e][limits]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(),
                      "--max-requests-per-connection", "3", "--idle-timeout", "600"},
                     dir.path());
  Connection c(serve.port());
  for (int i = 1; i <= 3; ++i) {
    c.send(get("/health"));
    std::string answer = c.read_response();
    CHECK(answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(has_header(answer, "Connection: close") == (i == 3));
  }
  CHECK(c.closed_by_server());
}

TEST_CASE("an idle keep-alive connection is closed once --max-connection-age has passed",
          "[serve][e2e][limits]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--max-connection-age",
                      "0.5", "--idle-timeout", "600"},
                     dir.path());
  Connection c(serve.port());
  c.send(get("/health"));
  CHECK(c.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(c.closed_by_server());  // long before the idle timeout
}

TEST_CASE("a body over the --body-budget left gets 503 with Retry-After until room is back",
          "[serve][e2e][limits]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string(), "--body-budget", "1000",
                      "--read-timeout", "600"},
                     dir.path());
  std::string row = serve_test::sample_row_json();
  std::string big = row + std::string(800 - row.size(), ' ');
  std::string small = row + std::string(500 - row.size(), ' ');
  // 800 bytes reserved: the service has said 100 Continue and waits for the body.
  Connection holder(serve.port());
  holder.send(post_header("application/json", big.size(), "Expect: 100-continue\r\n"));
  REQUIRE(holder.read_response() == "HTTP/1.1 100 Continue\r\n\r\n");

  Connection refused(serve.port());
  refused.send(post_header("application/json", small.size()) + small);
  std::string answer = refused.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
  CHECK(has_header(answer, "Retry-After: 1"));
  CHECK(has_header(answer, "Connection: close"));
  CHECK(body_of(answer) ==
        error_json(503,
                   "busy: request bodies under way hold 800 of the 1000 bytes of the body "
                   "budget; retry later"));
  HttpClient health(serve.port());
  CHECK(health.get("/health").status == 200);

  holder.send(big);
  CHECK(holder.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  Connection after(serve.port());  // the 800 bytes are back
  after.send(post_header("application/json", small.size()) + small);
  CHECK(after.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("a 100 KB request target is logged once, cut, in a line under 1 KB",
          "[serve][e2e][log]") {
  test_util::TempDir dir;
  fs::path log = dir / "logs/serve.log";
  {
    ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
    std::string target = "/" + std::string(100 * 1024, 'a');
    Connection huge(serve.port());  // over the 8 KiB header limit
    huge.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(huge.read_until_closed().rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) ==
          0);
    Connection odd(serve.port());  // within the limit, with bytes that are not UTF-8
    odd.send(get("/\xff\xfe" + std::string(7000, 'b')));
    CHECK(odd.read_response().rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  }
  auto lines = logged_requests(log, 431);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].first.size() < 1024);
  CHECK(count_of(lines[0].first, std::string(200, 'a')) == 1);
  json::object& metrics = lines[0].second["metrics"].as_object();
  CHECK(metrics["method"] == "GET");
  CHECK(std::string(metrics["target"].as_string()) == "/" + std::string(255, 'a') + "\u2026");
  CHECK(lines[0].second["msg"] == "GET 431");

  lines = logged_requests(log, 404);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].first.size() < 1024);
  CHECK(std::string(lines[0].second["metrics"].as_object()["target"].as_string()) ==
        "/%FF%FE" + std::string(256 - 7, 'b') + "\u2026");
  CHECK(lines[0].second["metrics"].as_object()["target_bytes"] == 7003);
}

TEST_CASE("predictions of 8 MiB batches stay right while /health answers beside them",
          "[serve][e2e][threads]") {
  test_util::TempDir dir;
  const auto& m = serve_test::models();
  ServeProcess serve({"--model", m.good().string(), "--threads", "1", "--prediction-threads", "2"},
                     dir.path());
  std::string csv = test_util::read_text(m.clean_csv());
  std::size_t header_end = csv.find('\n') + 1;
  HttpClient oracle(serve.port());
  HttpResponse base = oracle.post("/predict", "text/csv", csv);
  REQUIRE(base.status == 200);
  std::string values = base.body.substr(base.body.find('[') + 1);
  values = values.substr(0, values.rfind(']'));
  // The rows repeated to just under 8 MiB: the answer is the same predictions repeated.
  std::string batch = csv.substr(0, header_end);
  std::string expected;
  std::size_t copies = ((8u << 20) - 4096) / (csv.size() - header_end);
  for (std::size_t i = 0; i < copies; ++i) {
    batch.append(csv, header_end);
    expected += (i ? "," : "") + values;
  }
  std::string sha = serve_test::file_sha256(m.good());
  expected = "{\"model_sha256\":\"" + sha + "\",\"predictions\":[" + expected + "]}\n";

  std::atomic<int> running{4};
  std::atomic<int> wrong{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      HttpClient client(serve.port());
      for (int i = 0; i < 3; ++i) {
        HttpResponse r = client.post("/predict", "text/csv", batch);
        if (r.status != 200 || r.body != expected) ++wrong;
      }
      --running;
    });
  }
  int health_ok = 0;
  int health_failed = 0;
  HttpClient health(serve.port());
  while (running > 0 || health_ok == 0) {
    (health.get("/health").status == 200 ? health_ok : health_failed)++;
  }
  for (std::thread& t : posters) t.join();
  CHECK(wrong == 0);
  CHECK(health_failed == 0);
  CHECK(health_ok > 0);
}

TEST_CASE("HEAD gets the header GET would, no body, and the connection stays in sync",
          "[serve][e2e][http]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
  Connection c(serve.port());
  c.send(get("/model"));
  std::string model = c.read_response();
  REQUIRE(model.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  std::string length = "Content-Length: " + std::to_string(body_of(model).size());

  c.send("HEAD /model HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head = c.read_response(true);
  CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(has_header(head, length));
  CHECK(body_of(head).empty());
  // A HEAD for a POST endpoint: 405 without the body, then the next answer starts clean.
  c.send("HEAD /predict HTTP/1.1\r\nHost: x\r\n\r\n" + get("/nope"));
  std::string refused = c.read_response(true);
  CHECK(refused.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
  CHECK(has_header(refused, "Allow: POST"));
  std::string next = c.read_response();
  CHECK(next.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(body_of(next) ==
        error_json(404, "no endpoint /nope; endpoints: GET /health, GET /model, POST /predict"));
}

TEST_CASE("an HTTP/1.1 request without exactly one Host gets 400; HTTP/1.0 needs none",
          "[serve][e2e][http]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
  Connection none(serve.port());
  none.send("GET /health HTTP/1.1\r\n\r\n");
  std::string answer = none.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(has_header(answer, "Connection: close"));
  CHECK(body_of(answer) == error_json(400, "missing Host header: HTTP/1.1 requires one"));

  Connection two(serve.port());
  two.send("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  answer = two.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(body_of(answer) == error_json(400, "more than one Host header"));

  Connection old(serve.port());
  old.send("GET /health HTTP/1.0\r\n\r\n");
  CHECK(old.read_until_closed().rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
}

TEST_CASE("a transfer coding other than chunked gets 501, one not ending in chunked 400",
          "[serve][e2e][http]") {
  test_util::TempDir dir;
  ServeProcess serve({"--model", serve_test::models().good().string()}, dir.path());
  const std::string request =
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: ";
  Connection gzip(serve.port());
  gzip.send(request + "gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  std::string answer = gzip.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 501 Not Implemented\r\n", 0) == 0);
  CHECK(has_header(answer, "Connection: close"));
  CHECK(body_of(answer) ==
        error_json(501, "transfer coding \\\"gzip\\\" not implemented; only chunked is"));

  Connection last(serve.port());
  last.send(request + "chunked, gzip\r\n\r\nhello");
  answer = last.read_until_closed();
  CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(body_of(answer) == error_json(400, "Transfer-Encoding must end with a single chunked"));

  Connection chunked(serve.port());  // and plain chunked is still read and answered
  std::string csv = test_util::read_text(serve_test::models().clean_csv());
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", csv.size());
  chunked.send(request + "chunked\r\n\r\n" + size + csv + "\r\n0\r\n\r\n");
  CHECK(chunked.read_response().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}
