#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <vector>

#include "common/cli.h"
#include "common/log.h"
#include "common/retry.h"

namespace common {

// What a task reports when its work succeeded.
struct TaskReport {
  std::vector<std::string> inputs;          // files read (hashed into the manifest)
  std::vector<std::string> outputs;         // files written (hashed into the manifest)
  boost::json::object params;               // parameters that shaped the outputs
  boost::json::object metrics;              // figures for the "end" log event
  std::vector<std::string> metric_columns;  // fixed columns of metrics/<task>.csv
  std::vector<std::string> metric_values;   // one value per column
  std::string summary;                      // one human line for stderr
};

// What the task body gets: its parsed flags, its log, and a retry helper that logs.
class TaskContext {
 public:
  TaskContext(const Cli& cli, Logger& log) : cli_(cli), log_(log) {}
  const Cli& cli() const { return cli_; }
  const CommonOptions& options() const { return cli_.common(); }
  Logger& log() { return log_; }

  // retry() with SPEC section 2's policy (3 tries, 0.2 s), logging every retry as a
  // "retry" warning event that names `step`.
  template <typename Step>
  auto with_retry(const std::string& step, Step&& body) -> decltype(body()) {
    return retry(RetryPolicy{}, retry_logger(step), std::forward<Step>(body));
  }
  RetryObserver retry_logger(const std::string& step);

 private:
  const Cli& cli_;
  Logger& log_;
};

using TaskBody = std::function<TaskReport(TaskContext&)>;

// The whole life of a task program: parses flags (`add_options` adds the task's own),
// honours the "<task>.exit" failpoint, removes stale temp files beside --output, writes the
// "start" event, runs `body`, then writes the "end" event, the metrics row and the task's
// entry in runs/<run_id>/manifest.json. A failure is logged and recorded as "failed" in the
// manifest before its message and exit code are reported (through run_main).
int run_task(const ProgramInfo& info, int argc, const char* const* argv,
             const std::function<void(boost::program_options::options_description&)>& add_options,
             const TaskBody& body);

}  // namespace common
