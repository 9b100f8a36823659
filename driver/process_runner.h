#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "driver/command_runner.h"

namespace driver {

// How the runner learns that a child exited.
enum class ExitWatch {
  kPidfd,    // a pidfd per child, readable when it exits (Linux 5.3+)
  kSigchld,  // SIGCHLD through the io_context, then wait4(WNOHANG) on every child
};

// kSigchld when the driver was built with PIPELINE_DRIVER_NO_PIDFD or when
// $PIPELINE_DRIVER_EXIT_WATCH is "sigchld" (to exercise the fallback), else kPidfd.
ExitWatch default_exit_watch();

// The real CommandRunner: every attempt is a Subprocess in its own process group, all on
// one io_context driven by the calling thread (LIBRARIES.md: Boost.Process forks only
// from that thread). Children are reaped with wait4 for their CPU time and peak RSS.
//
// Timeouts and stops signal the whole group: SIGTERM, then SIGKILL after the command's
// grace period. SIGINT, SIGTERM and SIGHUP sent to the driver are caught here and
// forwarded to every running group at once; a second one SIGKILLs them all. A group that outlives
// its leader after such a signal is SIGKILLed when its grace runs out, and finish() (also run by
// the destructor) waits for that, so the driver leaves no orphan behind.
class ProcessRunner : public CommandRunner {
 public:
  // Installs the SIGINT/SIGTERM/SIGHUP handlers. kPidfd falls back to kSigchld by itself when
  // the kernel has no pidfd_open.
  explicit ProcessRunner(ExitWatch watch = default_exit_watch());
  ~ProcessRunner() override;
  ProcessRunner(const ProcessRunner&) = delete;
  ProcessRunner& operator=(const ProcessRunner&) = delete;

  void start(const Command& command) override;
  RunnerEvent wait(std::optional<Clock::time_point> deadline) override;
  bool interrupt_pending() override;
  void stop_all() override;
  std::size_t running() const override { return running_.size(); }
  Clock::time_point now() const override { return Clock::now(); }

  // Kills what is still running, then waits until every group signalled earlier is gone
  // (SIGKILLing those whose grace ran out).
  void finish();

  ExitWatch exit_watch() const { return watch_; }

  // The process groups that may still hold a process: running attempts, and groups left
  // behind by ended ones until they are gone.
  std::vector<pid_t> groups() const;
  // Called with groups() whenever it changes (the driver records them in its lock file,
  // so that a driver taking over after a crash can stop them).
  void on_groups_changed(std::function<void(const std::vector<pid_t>&)> callback) {
    groups_changed_ = std::move(callback);
  }

 private:
  struct Running;
  struct Lingering {
    pid_t pgid;
    Clock::time_point kill_at;
  };

  void watch_exit(std::uint64_t id);
  void use_sigchld();
  void on_sigchld();
  void arm_interrupt();
  void on_interrupt(int signal);
  void signal_running(std::uint64_t id, int signal);
  void reap(std::uint64_t id);
  void arm_lingering_poll();
  void report_groups();

  boost::asio::io_context io_;
  ExitWatch watch_;
  boost::asio::signal_set interrupt_signals_;
  std::optional<boost::asio::signal_set> child_signals_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer lingering_timer_;
  std::uint64_t deadline_generation_ = 0;
  bool deadline_hit_ = false;
  bool lingering_armed_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Running>> running_;
  std::deque<CommandResult> finished_;
  std::vector<Lingering> lingering_;
  std::vector<int> pending_interrupts_;
  int interrupts_ = 0;
  std::function<void(const std::vector<pid_t>&)> groups_changed_;
};

}  // namespace driver
