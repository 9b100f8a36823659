#include "tasks/save/health_probe.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace tasks {

namespace {

struct HostPort {
  std::string host;
  std::string port;
};

// "http://127.0.0.1:8765" or "http://[::1]:8765" -> host and port; nothing for another form.
std::optional<HostPort> split_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  std::size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon + 1 == rest.size()) return std::nullopt;
  std::string host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return HostPort{host, rest.substr(colon + 1)};
}

// Runs GET `target` against `where` within `timeout`; returns the error, if any.
beast::error_code get(const HostPort& where, const std::string& target,
                      std::chrono::milliseconds timeout,
                      http::response<http::string_body>& response) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(where.host, where.port, ec);  // a local, numeric address
  if (ec) return ec;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);  // covers connect, write and read
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, where.host + ":" + where.port);
  request.set(http::field::connection, "close");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 20);  // a health answer is small: stop a runaway body
  stream.async_connect(endpoints, [&](beast::error_code connected, const auto&) {
    if (connected) {
      ec = connected;
      return;
    }
    http::async_write(stream, request, [&](beast::error_code written, std::size_t) {
      if (written) {
        ec = written;
        return;
      }
      http::async_read(stream, buffer, parser,
                       [&](beast::error_code read, std::size_t) { ec = read; });
    });
  });
  io.run();
  if (!ec) response = parser.release();
  return ec;
}

}  // namespace

HealthAnswer probe_health(const std::string& url, std::chrono::milliseconds timeout) {
  HealthAnswer answer;
  std::optional<HostPort> where = split_url(url);
  std::string target = url + "/health";
  if (!where) {
    answer.problem = "not an http://HOST:PORT address: " + url;
    return answer;
  }
  http::response<http::string_body> response;
  if (beast::error_code ec = get(*where, "/health", timeout, response)) {
    answer.refused = ec == asio::error::connection_refused;
    answer.problem = ec == beast::error::timeout ? "no answer from " + target + " within " +
                                                       std::to_string(timeout.count()) + " ms"
                                                 : "cannot reach " + target + ": " + ec.message();
    return answer;
  }
  if (response.result_int() != 200) {
    answer.problem = "HTTP " + std::to_string(response.result_int()) + " from " + target;
    return answer;
  }
  const std::string& body = response.body();
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  const json::object* o = ec ? nullptr : doc.if_object();
  const json::value* status_field = o != nullptr ? o->if_contains("status") : nullptr;
  const json::value* sha = o != nullptr ? o->if_contains("model_sha256") : nullptr;
  if (status_field == nullptr || !status_field->is_string() || status_field->get_string() != "ok" ||
      sha == nullptr || !sha->is_string()) {
    answer.problem = "unexpected answer from " + target + ": " + body.substr(0, 200);
    return answer;
  }
  answer.ok = true;
  answer.model_sha256 = std::string(sha->get_string());
  if (const json::value* pid = o->if_contains("pid"); pid != nullptr && pid->is_int64())
    answer.pid = pid->as_int64();
  if (const json::value* d = o->if_contains("deploy_dir"); d != nullptr && d->is_string())
    answer.deploy_dir = std::string(d->get_string());
  if (const json::value* i = o->if_contains("deployment_id"); i != nullptr && i->is_string())
    answer.deployment_id = std::string(i->get_string());
  return answer;
}

std::string who_answers(const HealthAnswer& answer) {
  if (!answer.ok) return "a process that is not a pipeline service";
  if (answer.pid == 0) return "a service that does not say its deployment (an older serve)";
  std::string pid = "pid " + std::to_string(answer.pid);
  if (answer.deploy_dir.empty()) return "a service of no deployment (serve --model, " + pid + ")";
  return "the service of deployment " + answer.deploy_dir + " (" + pid + ")";
}

}  // namespace tasks
