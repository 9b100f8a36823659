#pragma once

// A deploy directory with its own free port, for the end-to-end tests of `save`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tasks/save/service_record.h"
#include "tests/e2e/serve/serve_test_support.h"

namespace serve_test {

// A deploy directory in a temp dir, a free port, and a guard that stops its service.
struct Deployment {
  test_util::TempDir dir;
  int port = test_util::free_port();
  std::filesystem::path deploy = dir / "deploy";
  std::filesystem::path marker = dir / "flask_api_running.txt";
  serve_test::ServiceGuard guard{dir / "deploy"};

  test_util::ProcessResult save(std::vector<std::string> args, const test_util::EnvVars& env = {}) {
    std::vector<std::string> argv = {test_util::bin("save").string(), "--deploy-dir",
                                     deploy.string(), "--port", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return test_util::run_process(argv, dir.path(), env);
  }
  test_util::ProcessResult deploy_model(const std::filesystem::path& model,
                                        std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--input", model.string(), "--output", marker.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return save(args);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  std::string health() {
    serve_test::HttpClient client(port);
    return client.get("/health").body;
  }
  // The service's record in serve.json (written by the service itself), or none.
  std::optional<tasks::ServiceRecord> record() const { return tasks::read_service_record(deploy); }
  std::string marker_for(const std::filesystem::path& model) const {
    return "status: serving\nurl: " + url() + "\nmodel_sha256: " + serve_test::file_sha256(model) +
           "\n";
  }
};

inline std::string last_line(const std::string& text) {
  std::string trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
  return trimmed.substr(trimmed.rfind('\n') + 1);
}

// The first 12 hex digits of a model file's sha256, as save's messages name it.
inline std::string short_sha(const std::filesystem::path& model) {
  return serve_test::file_sha256(model).substr(0, 12);
}

// Holds a port open (listening, never answering) so a service cannot bind it.
class PortSquatter {
 public:
  PortSquatter() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 1);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~PortSquatter() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace serve_test
