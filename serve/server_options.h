#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "serve/api.h"
#include "serve/served_model.h"

namespace serve {

// How the service listens, what it serves and how patient it is (docs/serve.md). The
// limits' defaults keep a 2-core machine answering /health whatever one client does.
struct ServerOptions {
  std::string host = "127.0.0.1";          // IP address to bind (loopback by default)
  unsigned short port = 8765;              // 0: any free port (see Server::port())
  ModelSource source;                      // --deploy-dir or --model
  std::filesystem::path pid_file;          // written once serving, removed on exit; "": none
  std::filesystem::path log_dir = "logs";  // serve.log goes here
  std::string run_id;                      // recorded in every log line
  ServiceIdentity identity;                // the deployment /health names; empty for --model
  int threads = 2;                         // I/O threads answering requests
  int prediction_threads = 2;              // threads computing large predictions
  std::uint64_t body_limit = 8u << 20;     // larger request bodies get 413
  // Bytes of request bodies all connections together may be receiving at once; a request
  // whose body would go over gets 503 with Retry-After.
  std::uint64_t body_budget = 256u << 20;
  // Open connections at most: at the limit the oldest idle one is closed for a new one,
  // and accepting pauses while none is idle.
  std::size_t max_connections = 512;
  // A kept-alive connection is closed after this many requests or this long (the answer
  // that reaches either limit says "Connection: close").
  std::uint64_t max_requests_per_connection = 1000;
  std::chrono::milliseconds max_connection_age{300000};
  std::chrono::milliseconds idle_timeout{
      30000};  // a kept-alive connection with no request is closed
  std::chrono::milliseconds read_timeout{10000};  // a started request must arrive whole (else 408);
                                                  // also the limit for writing one response
  std::chrono::milliseconds drain_timeout{
      10000};  // after SIGTERM, in-flight requests get this long
};

}  // namespace serve
