#include "serve/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <vector>

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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The transfer codings a request names, in order, from all its Transfer-Encoding fields
// (parameters dropped, empty list elements skipped).
std::vector<std::string_view> transfer_codings(const http::request<http::string_body>& request) {
  std::vector<std::string_view> codings;
  auto [first, last] = request.equal_range(http::field::transfer_encoding);
  for (auto field = first; field != last; ++field) {
    std::string_view value = sv(field->value());
    while (!value.empty()) {
      std::size_t comma = value.find(',');
      std::string_view item = value.substr(0, comma);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      item = trim(item.substr(0, item.find(';')));
      if (!item.empty()) codings.push_back(item);
    }
  }
  return codings;
}

std::int64_t now_ticks() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

}  // namespace

Session::Session(tcp::socket socket, const SessionContext& context)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      context_(context),
      options_(context.options),
      registry_(context.registry),
      idle_since_(now_ticks()),  // waiting for its first request from the start
      opened_(std::chrono::steady_clock::now()) {
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
  if (ec || phase_ == Phase::kClosed || phase_ == Phase::kComputing ||
      deadline_.expiry() > std::chrono::steady_clock::now())
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
  head_ = false;
  retry_after_ = false;
  bytes_in_ = 0;
  method_ = "-";
  target_ = "-";
  if (buffer_.size() > 0) {  // a pipelined request is already here
    request_started_ = std::chrono::steady_clock::now();
    return read_header();
  }
  auto age_left = options_.max_connection_age - (std::chrono::steady_clock::now() - opened_);
  if (age_left <= std::chrono::steady_clock::duration::zero()) return close();
  arm(Phase::kIdle,
      std::min(options_.idle_timeout, std::chrono::ceil<std::chrono::milliseconds>(age_left)));
  // Kept when already idle (a new connection), so the limit closes connections oldest first.
  if (idle_since_.load(std::memory_order_relaxed) == 0)
    idle_since_.store(now_ticks(), std::memory_order_relaxed);
  registry_.session_idle();
  socket_.async_read_some(
      buffer_.prepare(4096),
      [self = shared_from_this()](error_code ec, std::size_t n) { self->on_first_bytes(ec, n); });
}

void Session::on_first_bytes(error_code ec, std::size_t n) {
  idle_since_.store(0, std::memory_order_relaxed);
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
  head_ = request.method() == http::verb::head;
  if (std::optional<ApiResponse> refused = refusal()) return refuse(std::move(*refused));
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

std::optional<ApiResponse> Session::refusal() {
  const auto& request = parser_->get();
  if (request.version() >= 11) {
    std::size_t hosts = request.count(http::field::host);
    if (hosts == 0) return error_response(400, "missing Host header: HTTP/1.1 requires one");
    if (hosts > 1) return error_response(400, "more than one Host header");
  }
  std::vector<std::string_view> codings = transfer_codings(request);
  if (!codings.empty()) {
    // RFC 9112 6.3: without chunked last the body's length cannot be known (400); 6.1: a
    // coding the server does not implement is 501.
    auto chunked = [](std::string_view c) { return iequals(c, "chunked"); };
    if (!chunked(codings.back()) || std::count_if(codings.begin(), codings.end(), chunked) > 1) {
      return error_response(400, "Transfer-Encoding must end with a single chunked");
    }
    for (std::string_view coding : codings) {
      if (!chunked(coding)) {
        return error_response(501, "transfer coding \"" + std::string(coding) +
                                       "\" not implemented; only chunked is");
      }
    }
  }
  if (!parser_->is_done()) {
    // A chunked body's size is unknown until it ends: it may take up to the body limit.
    std::uint64_t size = parser_->content_length().value_or(options_.body_limit);
    if (!context_.bodies.try_reserve(size, body_reservation_)) {
      retry_after_ = true;
      return error_response(503, "busy: request bodies under way hold " +
                                     std::to_string(context_.bodies.used()) + " of the " +
                                     std::to_string(context_.bodies.total()) +
                                     " bytes of the body budget; retry later");
    }
  }
  return std::nullopt;
}

void Session::refuse(ApiResponse&& response) {
  refused_ = true;  // the client may still be sending the body
  answer(std::move(response), false);
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
  } else if (method_ == "-") {
    note_request_line();
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

void Session::note_request_line() {
  // The start line did not parse (too long, or malformed): log what came of it.
  constexpr std::size_t kMethodMax = 32;
  constexpr std::size_t kTargetMax = 1024;  // the access log cuts it further
  auto data = buffer_.data();
  std::string_view in(static_cast<const char*>(data.data()), data.size());
  std::size_t space = in.find(' ');
  if (space == 0 || space == std::string_view::npos || space > kMethodMax) return;
  method_ = std::string(in.substr(0, space));
  std::string_view rest = in.substr(space + 1, kTargetMax);
  target_ = std::string(rest.substr(0, rest.find_first_of(" \r\n")));
}

void Session::on_body(error_code ec) {
  if (ec) return on_read_error(ec);
  auto& request = parser_->get();
  bytes_in_ = request.body().size();
  // HEAD is answered as GET would be, headers only (RFC 9110 9.3.2).
  ApiRequest api_request{head_ ? std::string_view("GET") : sv(request.method_string()),
                         sv(request.target()), sv(request[http::field::content_type]),
                         request.body()};
  bool keep_alive = request.keep_alive();
  if (request.body().size() <= kInlineBodyBytes) {
    return answer(context_.api.handle(api_request), keep_alive && !stopping_);
  }
  // A large prediction takes milliseconds: compute it on the pool so this I/O thread goes
  // on serving other connections. The work guard keeps the I/O loop from running out of
  // work meanwhile; the request (parser_) stays put until answer().
  phase_ = Phase::kComputing;
  deadline_.cancel();
  asio::post(context_.predictions,
             [self = shared_from_this(), api_request, keep_alive,
              work = asio::make_work_guard(socket_.get_executor())]() mutable {
               ApiResponse response = self->context_.api.handle(api_request);
               auto executor = work.get_executor();
               asio::post(executor, [self = std::move(self), response = std::move(response),
                                     keep_alive, work = std::move(work)]() mutable {
                 self->answer(std::move(response), keep_alive && !self->stopping_);
               });
             });
}

void Session::answer(ApiResponse&& response, bool keep_alive) {
  ++requests_;
  if (requests_ >= options_.max_requests_per_connection ||
      std::chrono::steady_clock::now() - opened_ >= options_.max_connection_age) {
    keep_alive = false;  // this connection has had its share
  }
  RequestRecord record;
  record.method = method_;
  record.target = target_;
  record.status = response.status;
  record.bytes_in = bytes_in_;
  record.bytes_out = head_ ? 0 : response.body.size();
  record.rows = response.rows;
  record.model_sha256 = response.model_sha256;
  record.peer = peer_;
  record.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - request_started_).count();
  context_.log.request(record);

  unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  response_ = {};
  response_.version(version == 10 ? 10 : 11);
  response_.result(response.status);
  response_.set(http::field::server, "pipeline-serve/" + common::project_version());
  response_.set(http::field::content_type, "application/json");
  if (!response.allow.empty()) response_.set(http::field::allow, response.allow);
  if (retry_after_) response_.set(http::field::retry_after, "1");
  response_.keep_alive(keep_alive);
  response_.body() = std::move(response.body);
  response_.prepare_payload();  // for HEAD too: Content-Length is what GET would send
  parser_.reset();
  body_reservation_.reset();
  arm(Phase::kWriting, options_.read_timeout);
  auto on_written = [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
    self->on_write(ec, keep_alive);
  };
  if (head_) {
    header_writer_.emplace(response_);
    http::async_write_header(socket_, *header_writer_, std::move(on_written));
  } else {
    http::async_write(socket_, response_, std::move(on_written));
  }
}

void Session::on_write(error_code ec, bool keep_alive) {
  header_writer_.reset();
  response_ = {};  // a large answer's memory goes back now, not at the next request
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
  idle_since_.store(0, std::memory_order_relaxed);
  error_code ignored;
  deadline_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace serve
