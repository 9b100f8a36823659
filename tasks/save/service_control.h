#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/filenames.h"

namespace tasks {

// Where a deployment's prediction service listens.
struct ServiceAddress {
  std::string host = "127.0.0.1";  // IP address (serve --host)
  int port = 8765;                 // serve --port; 0: any free port, chosen by serve
  std::string url() const { return "http://" + host + ":" + std::to_string(port); }
};

// A service that runs for a deployment directory, as it registered itself.
struct RunningService {
  pid_t pid = 0;
  ServiceAddress address;  // the port it bound
  std::string url;         // where it answers
};

// The `serve` process of one deployment directory (docs/deploy.md):
//   serve.pid    the service's pid, written by serve once it listens, removed when it stops
//   serve.json   the service's record (service_record.h), written by serve itself right
//                after it binds, before it answers: where it listens, who it is
//   serve.out    the service's stdout and stderr, appended
class ServiceControl {
 public:
  // `deploy_dir` must be absolute (the service outlives this process and its cwd).
  ServiceControl(std::filesystem::path deploy_dir, std::filesystem::path serve_binary)
      : dir_(std::move(deploy_dir)), serve_binary_(std::move(serve_binary)) {}

  std::filesystem::path pid_file() const { return dir_ / "serve.pid"; }
  std::filesystem::path state_file() const { return common::service_record_path(dir_); }
  std::filesystem::path output_file() const { return common::service_output_path(dir_); }

  // The service serving this directory: the one serve.json names, when that pid is alive
  // and is `serve --deploy-dir` this directory (a recycled pid is not mistaken for it).
  std::optional<RunningService> running() const;

  // The service `pid` once it has registered itself in serve.json (nothing before).
  std::optional<RunningService> registered(pid_t pid) const;

  // Starts `serve --deploy-dir DIR` detached: its own session (a signal to the caller's
  // process group does not reach it), stdin /dev/null, output appended to serve.out, no
  // other inherited descriptor. The service registers itself (serve.json) once it has
  // bound the port, so a save killed right after this call leaves a service that the next
  // save and `save --stop` find. Returns the pid, a child of this process until this
  // process exits. Throws InternalError when the binary is missing.
  pid_t start(const ServiceAddress& address, const std::filesystem::path& log_dir,
              const std::string& run_id) const;

  // Whether `pid` (started by start()) has exited; reaps it. `status` gets a description,
  // `exit_code` the exit status (-1 when killed by a signal or unknown).
  static bool child_exited(pid_t pid, std::string* status, int* exit_code = nullptr);

  // Asks the service to reload deploy/current (SIGHUP).
  static void reload(pid_t pid);

  // SIGTERM, then SIGKILL after `grace`; returns once the process is gone. Removes
  // serve.json and serve.pid when they name `pid`.
  void stop(pid_t pid, std::chrono::milliseconds grace) const;

  // Removes the .serve.json.tmp-* files of writers that were killed. Never throws.
  int remove_stale_temps() const;

  // The last `n` lines of serve.out (what the service said before failing).
  std::string output_tail(std::size_t n) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path serve_binary_;
};

// The `serve` program beside the running executable (/proc/self/exe's directory).
std::filesystem::path serve_beside_self();

}  // namespace tasks
