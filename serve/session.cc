#include "serve/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/number.h"
#include "common/version.h"
#include "serve/session_registry.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace serve {

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// How long a connection closed after an error keeps reading what the client still sends.
constexpr std::chrono::milliseconds kLingerTime{1000};

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string seconds_text(std::chrono::milliseconds ms) {
  return common::format_number(static_cast<double>(ms.count()) / 1000) + " s";
}

}  // namespace

Session::Session(tcp::socket socket, const Api& api, AccessLog& log, const ServerOptions& options,
                 SessionRegistry& registry)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      api_(api),
      log_(log),
      options_(options),
      registry_(registry) {
  error_code ec;
  tcp::endpoint remote = socket_.remote_endpoint(ec);
  if (!ec) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  socket_.set_option(tcp::no_delay(true), ec);
}

Session::~Session() { registry_.remove(this); }

void Session::start() {
  stopping_ = registry_.add(this, weak_from_this());
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
}

void Session::stop() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->handle_stop(); });
}

void Session::handle_stop() {
  stopping_ = true;
  if (phase_ != Phase::kIdle) return;  // the request under way is answered, then we close
  // Bytes already sent count as a request in flight: let the read pick them up.
  error_code ec;
  if (socket_.available(ec) > 0 && !ec) return;
  socket_.cancel(ec);
}

void Session::arm(Phase phase, std::chrono::milliseconds timeout) {
  phase_ = phase;
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this()](error_code ec) { self->on_deadline(ec); });
}

void Session::on_deadline(error_code ec) {
  // A re-armed timer completes its old wait with operation_aborted, or with success when
  // the old expiry had already been queued: only a deadline still in the past counts.
  if (ec || phase_ == Phase::kClosed || deadline_.expiry() > std::chrono::steady_clock::now())
    return;
  if (phase_ == Phase::kReading) {
    timed_out_ = true;
    socket_.cancel(ec);  // the read completes with operation_aborted; we answer 408
  } else {
    close();
  }
}

void Session::wait_for_request() {
  if (stopping_ && buffer_.size() == 0) {
    // Draining: only a request whose bytes are already here still gets its answer.
    error_code ec;
    if (socket_.available(ec) == 0 || ec) return close();
  }
  parser_.emplace();
  parser_->body_limit(options_.body_limit);
  timed_out_ = false;
  refused_ = false;
  bytes_in_ = 0;
  method_ = "-";
  target_ = "-";
  if (buffer_.size() > 0) {  // a pipelined request is already here
    request_started_ = std::chrono::steady_clock::now();
    return read_header();
  }
  arm(Phase::kIdle, options_.idle_timeout);
  socket_.async_read_some(
      buffer_.prepare(4096),
      [self = shared_from_this()](error_code ec, std::size_t n) { self->on_first_bytes(ec, n); });
}

void Session::on_first_bytes(error_code ec, std::size_t n) {
  if (ec || n == 0) return close();  // closed by the client, idle timeout or stop
  buffer_.commit(n);
  request_started_ = std::chrono::steady_clock::now();
  read_header();
}

void Session::read_header() {
  arm(Phase::kReading, options_.read_timeout);
  http::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(error_code ec) {
  if (ec) return on_read_error(ec);
  const auto& request = parser_->get();
  method_ = std::string(sv(request.method_string()));
  target_ = std::string(sv(request.target()));
  if (parser_->is_done()) return on_body({});
  if (iequals(sv(request[http::field::expect]), "100-continue")) {
    asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->read_body();
                      });
    return;
  }
  read_body();
}

void Session::read_body() {
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_read_error(error_code ec) {
  refused_ = true;  // if answered, the client may still be sending the rest
  if (parser_ && method_ == "-" && !parser_->get().method_string().empty()) {
    method_ = std::string(sv(parser_->get().method_string()));  // a header refused as a whole
    target_ = std::string(sv(parser_->get().target()));
  }
  if (ec == asio::error::operation_aborted && timed_out_) {
    return answer(error_response(408, "request not received whole within " +
                                          seconds_text(options_.read_timeout)),
                  false);
  }
  if (ec == http::error::body_limit) {
    return answer(error_response(413, "request body over the limit of " +
                                          std::to_string(options_.body_limit) + " bytes"),
                  false);
  }
  if (ec == http::error::header_limit) {
    return answer(error_response(431, "request header fields too large"), false);
  }
  if (ec == http::error::partial_message) {
    // The client stopped sending mid-request but may still be reading (a half-close).
    return answer(
        error_response(400, "incomplete request: the client closed the connection mid-request"),
        false);
  }
  if (ec.category() == make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream) {
    return answer(error_response(400, "malformed HTTP request: " + ec.message()), false);
  }
  close();  // end of stream, reset, or a stop: nobody to answer
}

void Session::on_body(error_code ec) {
  if (ec) return on_read_error(ec);
  auto& request = parser_->get();
  bytes_in_ = request.body().size();
  ApiRequest api_request{sv(request.method_string()), sv(request.target()),
                         sv(request[http::field::content_type]), request.body()};
  ApiResponse response = api_.handle(api_request);
  answer(std::move(response), request.keep_alive() && !stopping_);
}

void Session::answer(ApiResponse&& response, bool keep_alive) {
  RequestRecord record;
  record.method = method_;
  record.target = target_;
  record.status = response.status;
  record.bytes_in = bytes_in_;
  record.bytes_out = response.body.size();
  record.rows = response.rows;
  record.model_sha256 = response.model_sha256;
  record.peer = peer_;
  record.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - request_started_).count();
  log_.request(record);

  unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  response_ = {};
  response_.version(version == 10 ? 10 : 11);
  response_.result(response.status);
  response_.set(http::field::server, "pipeline-serve/" + common::project_version());
  response_.set(http::field::content_type, "application/json");
  if (!response.allow.empty()) response_.set(http::field::allow, response.allow);
  response_.keep_alive(keep_alive);
  response_.body() = std::move(response.body);
  response_.prepare_payload();
  parser_.reset();
  arm(Phase::kWriting, options_.read_timeout);
  http::async_write(socket_, response_,
                    [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                      self->on_write(ec, keep_alive);
                    });
}

void Session::on_write(error_code ec, bool keep_alive) {
  if (ec) return close();
  if (keep_alive && !stopping_) return wait_for_request();
  if (refused_) return linger();
  close();  // the exchange is complete: nothing unread that would turn into a reset
}

void Session::linger() {
  // Close only after the client has stopped sending (or a short while), so the unread rest
  // of a refused request does not turn our answer into a connection reset.
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  arm(Phase::kLingering, std::min(kLingerTime, options_.read_timeout));
  socket_.async_read_some(
      asio::buffer(scratch_),
      [self = shared_from_this()](error_code ec, std::size_t n) { self->on_linger(ec, n); });
}

void Session::on_linger(error_code ec, std::size_t) {
  if (ec || phase_ == Phase::kClosed) return close();
  socket_.async_read_some(
      asio::buffer(scratch_),
      [self = shared_from_this()](error_code ec, std::size_t n) { self->on_linger(ec, n); });
}

void Session::close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  error_code ignored;
  deadline_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace serve
