#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_util.h"

// Helpers for the end-to-end tests of `serve` and of `save` deploying to it: real
// binaries, real HTTP on loopback ports.
namespace serve_test {

struct HttpResponse {
  long status = 0;  // 0 when the request failed at the transport level
  std::string body;
  std::string headers;  // raw header block
  std::string error;    // libcurl's message when status is 0
};

// A libcurl client holding one keep-alive connection to 127.0.0.1:port (no proxy).
class HttpClient {
 public:
  explicit HttpClient(int port, bool reuse_connection = true);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& path);
  HttpResponse post(const std::string& path, const std::string& content_type,
                    const std::string& body);
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::vector<std::string>& headers, const std::string& body);

 private:
  void* curl_;
  int port_;
};

// A raw TCP connection for what a well-behaved client never does (stalling, half-closing).
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  void send(const std::string& bytes);
  void shutdown_write();
  // Everything the server sends until it closes the connection; gives up (returning what
  // came) after `guard_s` seconds, which only a hanging server reaches.
  std::string read_until_closed(double guard_s = 20);

 private:
  int fd_ = -1;
};

// Whether a TCP connection to 127.0.0.1:port is refused right now.
bool connection_refused(int port);

// Model documents made from data/raw.csv with the built clean and train programs, each
// once per test process and only when first asked for (ctest runs every case in its own
// process, so a case pays only for the models it uses).
class Models {
 public:
  const std::filesystem::path& clean_csv() const;  // the cleaned sample data
  const std::filesystem::path& good() const;       // alpha 1
  const std::filesystem::path& other() const;      // alpha 30: within the quality gate of `good`
  const std::filesystem::path& worse() const;      // alpha 1e6: far worse than `good`
};
const Models& models();

// The model file's test RMSE as the quality gate prints it.
std::string test_rmse_text(const std::filesystem::path& model);

// The sha256 of a file.
std::string file_sha256(const std::filesystem::path& path);

// Stops (SIGTERM, then SIGKILL) the service whose pid is in `<deploy_dir>/serve.pid` when
// destroyed, so a test never leaves a service running.
class ServiceGuard {
 public:
  explicit ServiceGuard(std::filesystem::path deploy_dir) : deploy_dir_(std::move(deploy_dir)) {}
  ~ServiceGuard();
  ServiceGuard(const ServiceGuard&) = delete;
  ServiceGuard& operator=(const ServiceGuard&) = delete;
  // The pid in the pid file, or 0.
  int pid() const;

 private:
  std::filesystem::path deploy_dir_;
};

// Kills `pid` (SIGTERM, then SIGKILL after 5 s) and waits until it is gone.
void kill_and_wait(int pid);

// `serve` started in the background on a free port, ready when constructed.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd);
  int port() const { return port_; }
  test_util::BackgroundProcess& process() { return *process_; }

 private:
  int port_;
  std::unique_ptr<test_util::BackgroundProcess> process_;
};

// One JSON row of the sample data's columns, for POST /predict.
std::string sample_row_json();

}  // namespace serve_test
