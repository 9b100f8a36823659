#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "driver/dag.h"
#include "driver/line_printer.h"
#include "driver/scheduler.h"

namespace driver {

// "1 task", "5 tasks": the one place the driver's messages make a count agree with its noun
// (the noun's plural is noun + "s").
std::string count_of(std::size_t n, const std::string& noun);

// "0.04s", "12.3s", "2m05s".
std::string format_seconds(double seconds);

// A task's time as the table shows it: its wall time, pauses between retries included,
// then each attempt's own when there were several: "5.72s (attempts 0.02s, 0.03s)".
std::string format_task_time(const TaskOutcome& outcome);

// The last `n` lines of a text file (all of it when shorter); empty when unreadable.
std::vector<std::string> last_lines(const std::filesystem::path& path, std::size_t n);

// The end-of-run table: task, status, attempts, time, reason; one row per selected task
// in dependency order, columns aligned.
std::vector<std::string> format_summary_table(const Dag& dag,
                                              const std::vector<TaskOutcome>& outcomes,
                                              const LinePrinter& printer);

// The progress lines of a run (SPEC section 6), e.g.
//   [2/5] clean started
//   [2/5] clean ok 0.04s
//   [3/5] flaky exit 75, retrying in 0.20s (attempt 1/3)
//   [3/5] flaky failed 0.61s
//   FAILED: flaky (exit 75, attempt 3/3)
//   <the last lines of logs/flaky.attempt-3.out>
// Each task gets its number [k/N] when it is first started or settled, so both its lines
// carry the same number. On a terminal a live line lists what is running.
class Progress {
 public:
  Progress(LinePrinter& printer, const Dag& dag, std::size_t total, std::filesystem::path log_dir);

  void attempt_started(std::size_t task, int attempt);
  void attempt_finished(std::size_t task, const Attempt& attempt,
                        std::optional<std::chrono::milliseconds> retry_in);
  void task_finished(std::size_t task, const TaskOutcome& outcome);
  void interrupted(int signal);
  // Redraws the live status line.
  void refresh();

  // Lines of captured output shown under FAILED.
  static constexpr std::size_t kTailLines = 20;

 private:
  std::string prefix(std::size_t task);

  LinePrinter& printer_;
  const Dag& dag_;
  std::size_t total_;
  std::filesystem::path log_dir_;
  std::map<std::size_t, std::size_t> numbers_;  // task → its [k/N]
  std::map<std::size_t, std::chrono::steady_clock::time_point> running_;
  std::size_t finished_ = 0;
};

}  // namespace driver
