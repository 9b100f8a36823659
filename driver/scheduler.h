#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "driver/command_runner.h"
#include "driver/dag.h"
#include "driver/task_status.h"
#include "driver/up_to_date.h"

namespace driver {

// What happens to the rest of the run when a task fails for good (SPEC section 6).
enum class FailMode {
  kFinishRunning,  // default: nothing new starts; running tasks (and their retries) finish
  kKillRunning,    // --fail-fast=kill: running tasks are stopped (SIGTERM, grace, SIGKILL)
  kKeepGoing,      // --keep-going: every branch that does not need the failed task runs
};

struct SchedulerOptions {
  int jobs = 1;  // attempts running at once, at least 1
  FailMode fail_mode = FailMode::kFinishRunning;
  std::chrono::milliseconds tick{0};  // delegate.tick() period while waiting; 0: never
};

// One attempt of a task.
struct Attempt {
  int number = 1;
  CommandResult result;
  std::string failure;  // "" on success, else "exit 75", "timed out after 0.5s", ...
  std::chrono::system_clock::time_point started;
};

// How a task ended and why.
struct TaskOutcome {
  TaskStatus status = TaskStatus::kNotSelected;
  // Why it ran or not: the up-to-date decision ("input raw.csv changed (…)"), the failure
  // ("exit 65"), or "upstream failed: train", "not started: train failed", ...
  std::string reason;
  std::vector<Attempt> attempts;
  // Wall time from the start of its first attempt to the end of its last, pauses between
  // retries included: what the user waited. Each attempt's own time is in its result.
  double duration_s = 0;
  double attempts_s = 0;  // the sum of its attempts' wall times (duration_s minus pauses)
};

// The scheduler's view of the world outside the graph: the run command implements it,
// tests record calls.
class SchedulerDelegate {
 public:
  virtual ~SchedulerDelegate() = default;
  // The command for attempt `attempt` of task `task`. A common::Error fails the attempt.
  virtual Command command(std::size_t task, int attempt) = 0;
  // Decides again a task that was to run only because a task it needs would run.
  virtual Decision recheck(std::size_t task) = 0;
  // After an attempt exited 0: "" when every declared output exists, else the failure
  // ("output x.txt missing").
  virtual std::string check_outputs(std::size_t task) = 0;
  // The task succeeded: record its checkpoint. A common::Error fails the task.
  virtual void succeeded(std::size_t task) = 0;

  // Progress, in the order things happen.
  virtual void attempt_started(std::size_t task, int attempt) = 0;
  // `retry_in` is set when another attempt follows after that pause.
  virtual void attempt_finished(std::size_t task, const Attempt& attempt,
                                std::optional<std::chrono::milliseconds> retry_in) = 0;
  virtual void task_finished(std::size_t task, const TaskOutcome& outcome) = 0;
  virtual void interrupted(int signal) = 0;
  virtual void tick() {}
};

struct RunSummary {
  std::vector<TaskOutcome> tasks;  // by task index
  bool failed = false;             // some task failed (or was stopped or skipped for one)
  bool interrupted = false;
  int signal = 0;  // the interrupting signal
};

// Runs the selected, out-of-date tasks of a DAG through a CommandRunner (Ninja's
// Builder): each after what it needs, up to `jobs` at once, ready tasks in dependency
// order, retries with the task's policy, and the fail-fast rules of FailMode.
class Scheduler {
 public:
  Scheduler(const Dag& dag, SchedulerOptions options, CommandRunner& runner,
            SchedulerDelegate& delegate);

  // `selected` and `plan` are indexed by task (plan_tasks()). Returns when nothing runs
  // any more. Up-to-date tasks are reported through task_finished() first.
  RunSummary run(const std::vector<bool>& selected, const std::vector<Decision>& plan);

 private:
  bool pending(std::size_t t) const { return summary_.tasks[t].status == TaskStatus::kPending; }
  void start_attempt(std::size_t task, int attempt);
  void on_result(const CommandResult& result);
  void on_interrupt(int signal);
  void finish(std::size_t task, TaskStatus status, std::string reason);
  void release_dependents(std::size_t task);
  void fail(std::size_t task, const std::string& failure);
  void cancel_retries(TaskStatus status, const std::string& reason);
  std::string describe(const CommandResult& result) const;

  const Dag& dag_;
  SchedulerOptions options_;
  CommandRunner& runner_;
  SchedulerDelegate& delegate_;

  RunSummary summary_;
  std::vector<std::size_t> rank_;  // position in topological order
  std::vector<std::vector<std::size_t>> dependents_;
  std::vector<std::size_t> waiting_on_;  // pending tasks it still needs
  std::vector<bool> waits_for_upstream_;
  std::vector<bool> started_;
  std::vector<std::optional<Clock::time_point>> first_start_;  // of each task's attempt 1
  std::vector<std::optional<Clock::time_point>> retry_at_;
  std::vector<std::size_t> ready_;  // kept sorted by rank
  std::size_t running_ = 0;
  bool stop_new_ = false;
  std::string first_failure_;  // name of the first task that failed
};

// "killed by signal 9 (SIGKILL)"
std::string describe_signal(int signal);

}  // namespace driver
