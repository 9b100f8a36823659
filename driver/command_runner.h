#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace driver {

using Clock = std::chrono::steady_clock;

// One attempt of a task, as the runner starts it.
struct Command {
  std::size_t task = 0;                        // echoed in the result
  int attempt = 1;                             // 1-based, echoed in the result
  std::filesystem::path program;               // absolute path to execute
  std::vector<std::string> argv;               // argv[0] as declared ("clean"), then the arguments
  std::filesystem::path cwd;                   // where it runs
  std::vector<std::string> env;                // the complete environment, "NAME=value"
  std::filesystem::path output;                // stdout and stderr go here, truncated first
  std::chrono::milliseconds timeout{0};        // 0: none
  std::chrono::milliseconds kill_grace{5000};  // SIGTERM → SIGKILL when stopping it
};

// How an attempt ended.
enum class Termination {
  kExited,       // exit_code is valid
  kSignaled,     // killed by `signal`
  kTimedOut,     // exceeded its timeout and was killed with its process group
  kSpawnFailed,  // never started: `error` says why
};

struct CommandResult {
  std::size_t task = 0;
  int attempt = 1;
  Termination how = Termination::kExited;
  int exit_code = -1;     // for kExited
  int signal = 0;         // for kSignaled (and kTimedOut when it died of the signal)
  bool stopped = false;   // the runner signalled it (interrupt or stop_all) before it ended
  double duration_s = 0;  // wall time from start to reaping
  double cpu_s = 0;       // user + system time (wait4 rusage)
  long max_rss_kb = 0;    // peak resident set (wait4 rusage)
  std::string error;      // for kSpawnFailed
};

// What wait() returns.
struct RunnerEvent {
  enum class Kind {
    kFinished,     // `result` holds a finished attempt
    kDeadline,     // the deadline passed first
    kInterrupted,  // SIGINT/SIGTERM/SIGHUP arrived (already forwarded to every running group)
  };
  Kind kind = Kind::kDeadline;
  CommandResult result;
  int signal = 0;  // for kInterrupted
};

// Runs commands for the scheduler (Ninja's CommandRunner): the real one spawns process
// groups (ProcessRunner), tests use a scripted fake with a virtual clock.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;

  // Starts an attempt. Never throws for a command that cannot start: its result arrives
  // through wait() as kSpawnFailed.
  virtual void start(const Command& command) = 0;

  // Blocks until an attempt finishes, `deadline` passes, or an interrupt arrives.
  // Results already collected are returned first, one per call.
  virtual RunnerEvent wait(std::optional<Clock::time_point> deadline) = 0;

  // True when an interrupt arrived that wait() has not reported yet (does not block).
  virtual bool interrupt_pending() = 0;

  // Stops every running attempt: SIGTERM to its group, SIGKILL after its grace period.
  // Their results arrive through wait() with `stopped` set.
  virtual void stop_all() = 0;

  // Attempts started and not yet returned by wait().
  virtual std::size_t running() const = 0;

  virtual Clock::time_point now() const = 0;
};

}  // namespace driver
