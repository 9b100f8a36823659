#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace common {

enum class Level { kDebug, kInfo, kWarning, kError };

// The DAG task this process runs as: $PIPELINE_TASK, which the driver sets for every task,
// else `program` (a program run by hand is its own task). Everything a task writes (its
// manifest entry, log records, metrics rows) is attributed to it, so that two tasks running
// one program (two `train`s with different --alpha) can be told apart.
std::string dag_task_name(std::string_view program);

// "2026-11-27T12:34:56.789Z": RFC 3339, UTC, milliseconds.
std::string rfc3339_now();
std::string rfc3339(std::chrono::system_clock::time_point t);

// A task's structured log: one JSON object per line appended to `<log_dir>/<task>.log`
// through JsonlAppender (one write(2) under an flock, on a fresh line), so concurrent
// writers never tear a line and a torn tail never swallows the next record. Records are
// valid UTF-8 (to_json_line); run_task cuts an error's msg (bound_message). Every record
// has the same fields (docs/logs.md): run_id, ts, task (the DAG task: dag_task_name),
// program, level, event, msg, git_sha, input_paths, output_paths, metrics, duration_s,
// status. Boost.Log routes the records; this facade is all the rest of the code sees.
class Logger {
 public:
  // Opens (creating) the log file. Throws OutputError when it cannot be created.
  Logger(std::string task, std::string run_id, const std::filesystem::path& log_dir);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Paths attached to every later record.
  void set_paths(std::vector<std::string> inputs, std::vector<std::string> outputs);

  // Appends one record. `metrics` holds the event's figures; `status` is "running" until
  // the task ends ("ok" or "failed").
  void log(Level level, std::string_view event, std::string_view msg,
           boost::json::object metrics = {}, std::string_view status = "running");
  void info(std::string_view event, std::string_view msg, boost::json::object metrics = {}) {
    log(Level::kInfo, event, msg, std::move(metrics));
  }
  // Logged as a warning and echoed to stderr as "<task>: <msg>".
  void warn(std::string_view event, std::string_view msg, boost::json::object metrics = {});

  // The "start" and "end" events every task writes; end() carries the status and the
  // task's duration since construction, and prints a one-line summary on stderr when
  // `summary` is not empty.
  void start(std::string_view msg = "started");
  void end(std::string_view status, boost::json::object metrics = {},
           std::string_view summary = {});

  const std::string& task() const { return task_; }
  const std::string& run_id() const { return run_id_; }
  double elapsed_s() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string task_;      // the program: names the file and prefixes stderr lines
  std::string dag_task_;  // dag_task_name(task_)
  std::string run_id_;
  std::filesystem::path path_;
  std::vector<std::string> inputs_;
  std::vector<std::string> outputs_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace common
