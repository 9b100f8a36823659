#include "serve/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/read_file.h"
#include "serve/session.h"

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

namespace serve {

namespace {

asio::ip::address parse_host(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec)
    throw common::UsageError("invalid --host \"" + host +
                             "\": expected an IP address such as 127.0.0.1");
  return address;
}

[[noreturn]] void throw_listen_error(const std::string& where,
                                     const boost::system::error_code& ec) {
  std::string message = "cannot listen on " + where + ": " + ec.message();
  if (ec == asio::error::address_in_use) throw common::TransientError(message);
  throw common::IoError(message, ec.value());
}

// Descriptors beyond the connections: the listener, the log, the model file, epoll, timers.
constexpr rlim_t kSpareDescriptors = 64;

// Raises the soft descriptor limit so max_connections connections fit; UsageError when the
// hard limit does not allow it.
void ensure_descriptors(std::size_t max_connections) {
  rlim_t need = static_cast<rlim_t>(max_connections) + kSpareDescriptors;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < need) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? need : std::min(need, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < need) {
    throw common::UsageError("--max-connections " + std::to_string(max_connections) + " needs " +
                             std::to_string(need) + " file descriptors; the limit is " +
                             std::to_string(limit.rlim_cur) + " (ulimit -n)");
  }
}

std::string url_of(const asio::ip::address& address, unsigned short port) {
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      log_(options_.log_dir, options_.run_id),
      models_(load_served_model(options_.source)),
      api_(models_, options_.identity),
      registry_([this] { asio::post(strand_, [this] { finish(); }); },
                [this] {
                  asio::post(strand_, [this] {
                    if (!paused_ || stopping_) return;
                    paused_ = false;
                    accept_when_room();
                  });
                }),
      bodies_(options_.body_budget),
      strand_(asio::make_strand(io_)),
      acceptor_(strand_),
      signals_(strand_, SIGTERM, SIGINT, SIGHUP),
      drain_timer_(strand_),
      retry_timer_(strand_),
      predictions_(static_cast<std::size_t>(options_.prediction_threads)),
      context_{api_, log_, options_, registry_, bodies_, predictions_.get_executor()} {
  ensure_descriptors(options_.max_connections);
  asio::ip::address address = parse_host(options_.host);
  std::string where = options_.host + ":" + std::to_string(options_.port);
  tcp::endpoint endpoint(address, options_.port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw_listen_error(where, ec);
  port_ = acceptor_.local_endpoint().port();
}

Server::~Server() = default;

int Server::run() {
  std::string url = url_of(acceptor_.local_endpoint().address(), port_);
  std::shared_ptr<const ServedModel> model = models_.get();
  asio::post(strand_, [this] {
    accept();
    wait_for_signal();
  });
  if (!options_.pid_file.empty()) {
    common::write_file_atomically(options_.pid_file, std::to_string(::getpid()) + "\n");
  }
  log_.event("info", "start", "listening on " + url,
             json::object{{"url", url},
                          {"model_sha256", model->sha256},
                          {"model", model->path},
                          {"pid", ::getpid()},
                          {"threads", options_.threads},
                          {"prediction_threads", options_.prediction_threads},
                          {"max_connections", options_.max_connections},
                          {"body_budget", options_.body_budget}});
  std::cerr << "serve: listening on " << url << " (model " << model->sha256.substr(0, 12)
            << ", pid " << ::getpid() << ")" << std::endl;
  model.reset();

  std::vector<std::thread> threads;
  for (int i = 1; i < options_.threads; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (std::thread& t : threads) t.join();
  predictions_.join();  // a prediction cut by a drain timeout finishes; its answer is dropped
  registry_.detach();   // connections cut by a drain timeout go away with io_, unannounced

  if (!options_.pid_file.empty()) {
    // Only our own pid file: a newer service may have taken the name over.
    try {
      if (common::read_file(options_.pid_file) == std::to_string(::getpid()) + "\n") {
        ::unlink(options_.pid_file.c_str());
      }
    } catch (const common::Error&) {
    }
  }
  log_.event("info", "stop", "stopped", json::object{{"exit_code", exit_code_}}, "ok");
  std::cerr << "serve: stopped" << std::endl;
  return exit_code_;
}

void Server::accept() {
  acceptor_.async_accept(
      asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
        if (!ec) {
          // Even while stopping: the connection may carry a request already sent.
          auto session = std::make_shared<Session>(std::move(socket), context_);
          session->start();
          newest_ = session.get();
          registry_.make_room(options_.max_connections, newest_);
          if (!stopping_) accept_when_room();
          return;
        }
        if (stopping_ || ec == asio::error::operation_aborted) return;
        // Out of descriptors or a similar passing shortage: wait a little instead of spinning.
        log_.event("warning", "accept_failed", "cannot accept a connection: " + ec.message());
        retry_timer_.expires_after(std::chrono::milliseconds(50));
        retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec && !stopping_) accept();
        });
      });
}

void Server::accept_when_room() {
  if (registry_.may_accept(options_.max_connections, newest_)) return accept();
  paused_ = true;
  // Once a minute at most: a flood of busy connections would otherwise flood the log.
  auto now = std::chrono::steady_clock::now();
  if (limit_logged_ && now - *limit_logged_ < std::chrono::minutes(1)) return;
  limit_logged_ = now;
  log_.event("warning", "connection_limit",
             "all " + std::to_string(options_.max_connections) +
                 " connections are busy; accepting paused until one is idle or closes",
             json::object{{"max_connections", options_.max_connections}});
}

void Server::wait_for_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      reload();
    } else if (stopping_) {
      io_.stop();  // a second stop signal: do not wait for the drain
      return;
    } else {
      begin_stop(signal == SIGINT ? 130 : 0);
    }
    wait_for_signal();
  });
}

void Server::reload() {
  asio::post(strand_, [this] {
    std::string before = models_.get()->sha256;
    try {
      std::shared_ptr<const ServedModel> model = load_served_model(options_.source);
      models_.set(model);
      log_.event("info", "reload", "serving model " + model->sha256,
                 json::object{{"model_sha256", model->sha256},
                              {"previous_sha256", before},
                              {"model", model->path}});
    } catch (const common::Error& e) {
      log_.event("error", "reload_failed",
                 std::string("reload failed, still serving ") + before + ": " + e.what(),
                 json::object{{"model_sha256", before}, {"error", e.what()}});
      std::cerr << "serve: reload failed, still serving " << before.substr(0, 12) << ": "
                << e.what() << std::endl;
    }
  });
}

void Server::stop() {
  asio::post(strand_, [this] { begin_stop(0); });
}

void Server::begin_stop(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = exit_code;
  // Connections the kernel has completed but we have not accepted yet would be reset by
  // closing the acceptor: take them, so a request they already carry is answered.
  boost::system::error_code ec;
  acceptor_.non_blocking(true, ec);
  while (!ec) {
    tcp::socket socket(asio::make_strand(io_));
    acceptor_.accept(socket, ec);
    if (!ec) std::make_shared<Session>(std::move(socket), context_)->start();
  }
  acceptor_.close(ec);
  retry_timer_.cancel();
  log_.event("info", "draining",
             "stopped accepting; finishing " + std::to_string(registry_.size()) + " connections",
             json::object{{"connections", registry_.size()}});
  drain_timer_.expires_after(options_.drain_timeout);
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    log_.event("warning", "drain_timeout",
               "connections still open after the drain timeout; closing them",
               json::object{{"connections", registry_.size()}});
    io_.stop();
  });
  registry_.stop_all();  // calls finish() through the registry once no connection is left
}

void Server::finish() {
  boost::system::error_code ignored;
  drain_timer_.cancel();
  signals_.cancel(ignored);
  // Nothing is left to wait for: run() returns once these cancellations are delivered.
}

}  // namespace serve
