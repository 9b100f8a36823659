#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "serve/access_log.h"
#include "serve/api.h"
#include "serve/body_budget.h"
#include "serve/server_options.h"

namespace serve {

class SessionRegistry;

// What every session of a server shares; owned by the Server, outlives its sessions.
struct SessionContext {
  const Api& api;
  AccessLog& log;
  const ServerOptions& options;
  SessionRegistry& registry;
  BodyBudget& bodies;
  // Where a request with a large body is answered, off the I/O threads.
  boost::asio::thread_pool::executor_type predictions;
};

// Requests with a body up to this size are answered on the I/O thread (a few dozen rows
// take microseconds: a hand-off would cost more); larger ones on the prediction pool.
inline constexpr std::size_t kInlineBodyBytes = 16 * 1024;

// One client connection: HTTP/1.1 requests read one after another (keep-alive,
// pipelining, Expect: 100-continue, HEAD as GET without the body), each answered by the
// Api. Every handler runs on the socket's strand, except the Api call for a body over
// kInlineBodyBytes, which runs on the prediction pool. Deadlines (ServerOptions):
// idle_timeout while no request has begun (the connection is closed), read_timeout from a
// request's first byte until it is whole (408) and for each response write (closed).
// Limits: max_requests_per_connection and max_connection_age (the answer reaching one
// says "Connection: close"; an idle connection past its age is closed), body_budget (503
// with Retry-After before the body is read). Errors in the request (a body over the limit
// 413, headers too large 431, malformed HTTP 400, HTTP/1.1 without one Host 400, a
// Transfer-Encoding not ending in chunked 400, another transfer coding than chunked 501,
// the budget 503) are answered, then the connection is closed after draining what the
// client still sends for a short while, so it reads the answer instead of a reset.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const SessionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Begins reading requests. Call once, right after construction.
  void start();

  // Graceful stop (thread-safe): a connection waiting for a request is closed; one whose
  // request has begun (bytes received) is answered with "Connection: close", then closed.
  void stop();

  // Since when (steady_clock ticks) the connection has been waiting for a request; 0 while
  // a request is under way. Thread-safe.
  std::int64_t idle_since() const { return idle_since_.load(std::memory_order_relaxed); }

 private:
  enum class Phase { kIdle, kReading, kComputing, kWriting, kLingering, kClosed };
  using error_code = boost::system::error_code;

  void wait_for_request();
  void on_first_bytes(error_code ec, std::size_t n);
  void read_header();
  void on_header(error_code ec);
  void read_body();
  void on_body(error_code ec);
  // The reason to refuse a request whose header is in, before reading its body; nullopt
  // to go on.
  std::optional<ApiResponse> refusal();
  void refuse(ApiResponse&& response);
  // The method, and the target as far as it came, of a request refused before its header
  // was parsed (from the bytes in the buffer).
  void note_request_line();
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
  const SessionContext& context_;
  const ServerOptions& options_;
  SessionRegistry& registry_;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  // Writes only the header of response_ (the answer to HEAD).
  std::optional<boost::beast::http::response_serializer<boost::beast::http::string_body>>
      header_writer_;
  BodyBudget::Reservation body_reservation_;
  std::array<char, 4096> scratch_;  // discarded input while lingering
  Phase phase_ = Phase::kIdle;
  bool timed_out_ = false;    // the read deadline passed (answer 408)
  bool stopping_ = false;     // the server is draining
  bool refused_ = false;      // the request was answered before it was read whole
  bool head_ = false;         // the request is HEAD: answer as GET, without the body
  bool retry_after_ = false;  // the answer says when to retry (503)
  std::atomic<std::int64_t> idle_since_{0};
  std::uint64_t requests_ = 0;  // answered on this connection
  std::chrono::steady_clock::time_point opened_;
  std::chrono::steady_clock::time_point request_started_;
  std::string peer_;
  std::string method_;  // of the request being answered, for the log
  std::string target_;
  std::size_t bytes_in_ = 0;
};

}  // namespace serve
