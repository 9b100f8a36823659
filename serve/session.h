#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "serve/access_log.h"
#include "serve/api.h"
#include "serve/server_options.h"

namespace serve {

class SessionRegistry;

// One client connection: HTTP/1.1 requests read one after another (keep-alive,
// pipelining, Expect: 100-continue), each answered by the Api. Every handler runs on the
// socket's strand. Deadlines (ServerOptions): idle_timeout while no request has begun (the
// connection is closed), read_timeout from a request's first byte until it is whole (408)
// and for each response write (closed). Errors in the request (a body over the limit 413,
// headers too large 431, malformed HTTP 400, incomplete 400) are answered, then the
// connection is closed after draining what the client still sends for a short while, so
// it reads the answer instead of a reset.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const Api& api, AccessLog& log,
          const ServerOptions& options, SessionRegistry& registry);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Begins reading requests. Call once, right after construction.
  void start();

  // Graceful stop (thread-safe): a connection waiting for a request is closed; one whose
  // request has begun (bytes received) is answered with "Connection: close", then closed.
  void stop();

 private:
  enum class Phase { kIdle, kReading, kWriting, kLingering, kClosed };
  using error_code = boost::system::error_code;

  void wait_for_request();
  void on_first_bytes(error_code ec, std::size_t n);
  void read_header();
  void on_header(error_code ec);
  void read_body();
  void on_body(error_code ec);
  // Answers a failed read, or closes when there is nobody to answer.
  void on_read_error(error_code ec);
  void answer(ApiResponse&& response, bool keep_alive);
  void on_write(error_code ec, bool keep_alive);
  void linger();
  void on_linger(error_code ec, std::size_t n);
  void close();
  void arm(Phase phase, std::chrono::milliseconds timeout);
  void on_deadline(error_code ec);
  void handle_stop();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  const Api& api_;
  AccessLog& log_;
  const ServerOptions& options_;
  SessionRegistry& registry_;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::array<char, 4096> scratch_;  // discarded input while lingering
  Phase phase_ = Phase::kIdle;
  bool timed_out_ = false;  // the read deadline passed (answer 408)
  bool stopping_ = false;   // the server is draining
  bool refused_ = false;    // the request was answered before it was read whole
  std::chrono::steady_clock::time_point request_started_;
  std::string peer_;
  std::string method_;  // of the request being answered, for the log
  std::string target_;
  std::size_t bytes_in_ = 0;
};

}  // namespace serve
