#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>

#include "driver/command_runner.h"

namespace driver {

// One child process and its process group (Ninja's Subprocess). Passive: it starts the
// child and answers questions; the runner decides when to wait, signal or give up.
//
// The child runs in a new process group (its pgid is its pid), so Ctrl-C on the terminal
// reaches the driver alone and the driver can signal the task with everything it
// spawned. Its stdin is /dev/null; stdout and stderr both go to Command::output, which
// the driver opens itself (O_TRUNC, O_CLOEXEC: Boost.Process 1.81 neither truncates nor
// closes inherited descriptors, LIBRARIES.md).
class Subprocess {
 public:
  // Launches `command` with Boost.Process v2 from the calling thread (which must be the
  // only thread that forks). Throws common::Error "cannot start <argv0>: <reason>" when
  // the output cannot be opened or the program cannot be executed.
  static std::unique_ptr<Subprocess> start(boost::asio::io_context& io, const Command& command);

  // A child still running is killed with its whole group (SIGKILL) and reaped, so a
  // Subprocess never leaves a zombie or an orphaned group behind.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }  // also the process group id

  // Sends `signal` to every process of the group. False when the group is gone.
  bool signal_group(int signal);
  // True while a process of the group still runs (zombies do not count).
  bool group_alive() const;

  // Reaps the child with wait4(WNOHANG) when it has exited, recording its status and
  // rusage. Returns true once the child has been reaped.
  bool try_reap();
  bool reaped() const { return reaped_; }

  // Valid once reaped: the raw wait status, CPU seconds (user + system) and peak RSS.
  int wait_status() const { return status_; }
  double cpu_s() const { return cpu_s_; }
  long max_rss_kb() const { return max_rss_kb_; }
  // Wall time from start to reaping (or to now while running).
  double elapsed_s() const;

 private:
  explicit Subprocess(pid_t pid) : pid_(pid), started_(Clock::now()) {}

  pid_t pid_;
  Clock::time_point started_;
  Clock::time_point ended_{};
  bool reaped_ = false;
  int status_ = 0;
  double cpu_s_ = 0;
  long max_rss_kb_ = 0;
};

// True while a process of group `pgid` exists that is not a zombie.
bool process_group_alive(pid_t pgid);

// A pidfd for `pid` (Linux 5.3+), or -1 with errno set (ENOSYS on older kernels).
int open_pidfd(pid_t pid);

}  // namespace driver
