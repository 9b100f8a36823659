#include "driver/subprocess.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/v2/default_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"
#include "common/unique_fd.h"

namespace bp = boost::process::v2;
namespace fs = std::filesystem;

namespace driver {

namespace {

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

// Boost.Process 1.81 means to close every descriptor but stdio in the child, but its
// close_all() compares each whitelisted descriptor with itself instead of the next one
// (`next = whitelist[idx]`, fixed in 1.85), so descriptors between 3 and its own error
// pipe stay open: a descriptor the driver inherited without O_CLOEXEC would reach every
// task. Mark them all close-on-exec (Linux 5.11+, else one by one up to the limit).
// Async-signal-safe: runs between fork and exec.
void close_inherited_descriptors() {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  struct rlimit limit {};
  rlim_t top = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
  if (top > 65536) top = 65536;
  for (int fd = 3; fd < static_cast<int>(top); ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// A Boost.Process v2 initializer for what the library does not do itself (LIBRARIES.md):
// the environment (process_environment does not link in 1.81), argv[0] as declared
// rather than the resolved path, the working directory, and a process group of its own.
struct ChildSetup {
  const char* const* envp;
  const char* const* argv;
  const char* cwd;
  pid_t parent;  // the driver: the child dies with it

  template <typename Launcher>
  bp::error_code on_setup(Launcher& launcher, const bp::filesystem::path&,
                          const char* const*& cmd_line) {
    launcher.env = envp;
    cmd_line = argv;
    return {};
  }

  // Runs in the child between fork and exec: async-signal-safe calls only.
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
    if (::setpgid(0, 0) != 0 || ::chdir(cwd) != 0)
      return bp::error_code(errno, bp::system_category());
    // The task dies with the driver (kill -9 included), rather than running on beside the
    // driver that takes over the lock. A driver that died before the prctl left this child
    // to init already: leave at once. What the task itself starts is not covered (the
    // setting is not inherited over fork); the groups recorded in the lock file are
    // stopped by the next driver (workspace_lock.h).
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
      return bp::error_code(errno, bp::system_category());
    if (::getppid() != parent) ::_exit(127);
    close_inherited_descriptors();
    // The parent blocked every signal around fork so that the driver's own handlers
    // (Asio's signal_set) never run here. Restore defaults, then unblock. SIGPIPE is
    // ignored in the driver and an ignored signal stays ignored across exec; a task's
    // `yes | head` needs the default.
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE, SIGXFSZ})
      ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    return {};
  }

  // When exec fails, Boost.Process calls exit(), which would run the driver's atexit
  // handlers and flush its stdio buffers again in the child. Leave at once instead (the
  // parent already has errno through Boost's pipe).
  template <typename... Args>
  void on_exec_error(Args&&...) {
    ::_exit(127);
  }
};

using Fd = common::UniqueFd;

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<const char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(s.c_str());
  out.push_back(nullptr);
  return out;
}

}  // namespace

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

std::unique_ptr<Subprocess> Subprocess::start(boost::asio::io_context& io, const Command& command) {
  const std::string name = command.argv.empty() ? command.program.string() : command.argv[0];
  std::error_code ec;
  fs::create_directories(command.output.parent_path(), ec);
  Fd out(::open(command.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (out.get() < 0) {
    int err = errno;
    throw common::IoError("cannot start " + name + ": cannot open " + command.output.string() +
                              ": " + std::strerror(err),
                          err);
  }
  Fd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    int err = errno;
    throw common::IoError("cannot start " + name + ": cannot open /dev/null: " + std::strerror(err),
                          err);
  }
  std::vector<const char*> argv = c_strings(command.argv);
  std::vector<const char*> envp = c_strings(command.env);
  ChildSetup setup{envp.data(), argv.data(), command.cwd.c_str(), ::getpid()};

  std::fflush(nullptr);
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  bp::error_code launch_error;
  const std::vector<std::string> no_arguments;  // ChildSetup supplies the whole argv
  auto process = bp::posix::default_launcher()(
      io.get_executor(), launch_error, bp::filesystem::path(command.program.string()), no_arguments,
      bp::process_stdio{in.get(), out.get(), out.get()}, setup);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (launch_error) throw common::Error("cannot start " + name + ": " + launch_error.message());
  pid_t pid = process.id();
  // The driver reaps the child itself with wait4, for its rusage; the process object
  // must not wait for or kill it.
  process.detach();
  return std::unique_ptr<Subprocess>(new Subprocess(pid));
}

Subprocess::~Subprocess() {
  if (reaped_) return;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

bool Subprocess::signal_group(int signal) { return ::kill(-pid_, signal) == 0; }

bool Subprocess::group_alive() const { return process_group_alive(pid_); }

bool process_group_alive(pid_t pgid) {
  if (::kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  // kill() also reaches zombies, and an orphan's zombie lasts until init reaps it (some
  // container inits never do): look for a member that still runs.
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return true;
  bool alive = false;
  while (struct dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    std::string path = std::string("/proc/") + entry->d_name + "/stat";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buffer[512];
    ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (n <= 0) continue;
    buffer[n] = '\0';
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const char* paren = std::strrchr(buffer, ')');
    char state = 0;
    int ppid = 0;
    int pgrp = 0;
    if (paren == nullptr || std::sscanf(paren + 1, " %c %d %d", &state, &ppid, &pgrp) != 3)
      continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') {
      alive = true;
      break;
    }
  }
  ::closedir(proc);
  return alive;
}

bool Subprocess::try_reap() {
  if (reaped_) return true;
  int status = 0;
  struct rusage usage {};
  pid_t r;
  do {
    r = ::wait4(pid_, &status, WNOHANG, &usage);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  ended_ = Clock::now();
  reaped_ = true;
  if (r < 0) {
    status_ = 255 << 8;  // ECHILD: not ours to reap any more; report "exit 255"
    return true;
  }
  status_ = status;
  cpu_s_ = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  max_rss_kb_ = usage.ru_maxrss;
  return true;
}

double Subprocess::elapsed_s() const {
  Clock::time_point end = reaped_ ? ended_ : Clock::now();
  return std::chrono::duration<double>(end - started_).count();
}

}  // namespace driver
