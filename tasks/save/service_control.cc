#include "tasks/save/service_control.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/manifest.h"
#include "common/process_status.h"
#include "tasks/save/service_record.h"

namespace fs = std::filesystem;

namespace tasks {

namespace {

std::optional<pid_t> read_pid(const fs::path& path) {
  std::ifstream in(path);
  long long pid = 0;
  if (!(in >> pid) || pid <= 1) return std::nullopt;
  return static_cast<pid_t>(pid);
}

RunningService from_record(const ServiceRecord& record) {
  return RunningService{record.pid, ServiceAddress{record.host, record.port}, record.url};
}

}  // namespace

fs::path serve_beside_self() { return common::self_executable().parent_path() / "serve"; }

std::optional<RunningService> ServiceControl::running() const {
  std::optional<ServiceRecord> record = read_service_record(dir_);
  if (!record || !serves_deployment(record->pid, dir_)) return std::nullopt;
  return from_record(*record);
}

std::optional<RunningService> ServiceControl::registered(pid_t pid) const {
  std::optional<ServiceRecord> record = read_service_record(dir_);
  if (!record || record->pid != pid) return std::nullopt;
  return from_record(*record);
}

int ServiceControl::remove_stale_temps() const { return remove_stale_service_record_temps(dir_); }

pid_t ServiceControl::start(const ServiceAddress& address, const fs::path& log_dir,
                            const std::string& run_id) const {
  if (::access(serve_binary_.c_str(), X_OK) != 0) {
    throw common::InternalError("cannot run the prediction service " + serve_binary_.string() +
                                ": not found beside save (build the serve target)");
  }
  fs::create_directories(dir_);
  std::vector<std::string> args = {serve_binary_.string(),
                                   "--deploy-dir",
                                   dir_.string(),
                                   "--host",
                                   address.host,
                                   "--port",
                                   std::to_string(address.port),
                                   "--pid-file",
                                   pid_file().string(),
                                   "--log-dir",
                                   log_dir.string(),
                                   "--run-id",
                                   run_id};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string out_path = output_file().string();
  std::string dir = dir_.string();

  // Only async-signal-safe calls between fork and exec: this process may have threads.
  pid_t pid = ::fork();
  if (pid < 0) common::throw_system_error("cannot start", serve_binary_, errno);
  if (pid == 0) {
    ::setsid();
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::close_range(3, ~0U, 0);  // the deploy lock and the driver's pipes stay with us
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGHUP, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

bool ServiceControl::child_exited(pid_t pid, std::string* status, int* exit_code) {
  int raw = 0;
  pid_t r = ::waitpid(pid, &raw, WNOHANG);
  if (exit_code != nullptr) *exit_code = -1;
  if (r == 0) return false;
  if (r < 0) {
    if (status != nullptr) *status = "is gone";
    return errno == ECHILD && !common::process_alive(pid);
  }
  if (exit_code != nullptr && WIFEXITED(raw)) *exit_code = WEXITSTATUS(raw);
  if (status != nullptr) {
    *status = WIFEXITED(raw) ? "exited with status " + std::to_string(WEXITSTATUS(raw))
                             : "was killed by signal " + std::to_string(WTERMSIG(raw));
  }
  return true;
}

void ServiceControl::reload(pid_t pid) {
  if (::kill(pid, SIGHUP) != 0) {
    throw common::TransientError("cannot signal the service (pid " + std::to_string(pid) +
                                 "): " + std::strerror(errno));
  }
}

void ServiceControl::stop(pid_t pid, std::chrono::milliseconds grace) const {
  ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  auto gone = [&] {
    ::waitpid(pid, nullptr, WNOHANG);  // reap it when it is our child
    return !common::process_alive(pid);
  };
  while (!gone() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!gone()) {
    ::kill(pid, SIGKILL);
    while (!gone()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (read_pid(pid_file()) == pid) ::unlink(pid_file().c_str());  // killed before cleaning up
  remove_service_record(dir_, pid);
}

std::string ServiceControl::output_tail(std::size_t n) const {
  std::ifstream in(output_file());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    lines.push_back(line);
    if (lines.size() > n) lines.erase(lines.begin());
  }
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : " | ") + l;
  return out;
}

}  // namespace tasks
