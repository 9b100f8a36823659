#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "serve/access_log.h"
#include "serve/api.h"
#include "serve/body_budget.h"
#include "serve/served_model.h"
#include "serve/server_options.h"
#include "serve/session.h"
#include "serve/session_registry.h"

namespace serve {

// The prediction service: an HTTP/1.1 server on a pool of options.threads I/O threads,
// with large predictions computed on options.prediction_threads more (Session). At
// options.max_connections open connections the oldest idle one is closed for a new one;
// while none is idle, accepting pauses (the kernel's backlog holds new connections).
//   SIGHUP           reloads the model from its source; requests under way finish with the
//                    model they started with; a model that fails to load is logged and the
//                    old one kept.
//   SIGTERM, SIGINT  stop accepting, let requests under way finish (at most
//                    options.drain_timeout), close idle connections, and return from run().
class Server {
 public:
  // Loads the model, opens the access log and listens. Throws InputMissingError/DataError
  // for the model, UsageError for a bad host, TransientError when the port is in use,
  // IoError for other socket failures.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port it listens on (the chosen one when options.port was 0).
  unsigned short port() const { return port_; }

  // Serves until a stop signal has been handled. Writes the pid file once ready and removes
  // it at the end. Returns the exit code: 0 after SIGTERM, 130 after SIGINT.
  int run();

  // What SIGHUP does. Thread-safe.
  void reload();
  // What SIGTERM does. Thread-safe.
  void stop();

 private:
  void accept();
  // Accepts the next connection if the connection limit leaves room, else pauses until
  // the registry says a session left or turned idle.
  void accept_when_room();
  void wait_for_signal();
  void begin_stop(int exit_code);
  void finish();

  ServerOptions options_;
  AccessLog log_;
  ModelHolder models_;
  Api api_;
  SessionRegistry registry_;
  BodyBudget bodies_;
  int exit_code_ = 0;
  unsigned short port_ = 0;
  bool stopping_ = false;            // on the strand
  bool paused_ = false;              // on the strand: accepting waits for room
  const Session* newest_ = nullptr;  // on the strand: the last accepted (compared, never used)
  std::optional<std::chrono::steady_clock::time_point> limit_logged_;  // on the strand

  boost::asio::io_context io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;  // acceptor, signals, timers
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  boost::asio::steady_timer retry_timer_;
  // After io_: destroyed (joined) first, while the sessions its work holds can still go.
  boost::asio::thread_pool predictions_;
  SessionContext context_;
};

}  // namespace serve
