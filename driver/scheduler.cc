#include "driver/scheduler.h"

#include <string.h>

#include <algorithm>

#include "common/error.h"
#include "common/number.h"
#include "driver/graph.h"
#include "driver/retry_policy.h"

namespace driver {

std::string describe_signal(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return "killed by signal " + std::to_string(signal) +
         (abbrev != nullptr ? std::string(" (SIG") + abbrev + ")" : std::string());
}

Scheduler::Scheduler(const Dag& dag, SchedulerOptions options, CommandRunner& runner,
                     SchedulerDelegate& delegate)
    : dag_(dag), options_(options), runner_(runner), delegate_(delegate) {
  options_.jobs = std::max(1, options_.jobs);
}

std::string Scheduler::describe(const CommandResult& result) const {
  switch (result.how) {
    case Termination::kExited:
      return result.exit_code == 0 ? "" : "exit " + std::to_string(result.exit_code);
    case Termination::kSignaled:
      return describe_signal(result.signal);
    case Termination::kTimedOut:
      return "timed out after " + common::format_number(dag_.tasks[result.task].timeout_s) + "s";
    case Termination::kSpawnFailed:
      return result.error;
  }
  return "";
}

RunSummary Scheduler::run(const std::vector<bool>& selected, const std::vector<Decision>& plan) {
  const std::size_t n = dag_.tasks.size();
  summary_ = RunSummary{};
  summary_.tasks.assign(n, TaskOutcome{});
  dependents_ = dependents_of(dag_.needs);
  waiting_on_.assign(n, 0);
  waits_for_upstream_.assign(n, false);
  started_.assign(n, false);
  first_start_.assign(n, std::nullopt);
  retry_at_.assign(n, std::nullopt);
  std::vector<std::size_t> order = topological_order(dag_.needs);
  rank_.assign(n, 0);
  for (std::size_t i = 0; i < order.size(); ++i) rank_[order[i]] = i;

  for (std::size_t t = 0; t < n; ++t) {
    if (!selected[t]) continue;
    summary_.tasks[t].status = plan[t].run ? TaskStatus::kPending : TaskStatus::kUpToDate;
    summary_.tasks[t].reason = plan[t].reason;
    waits_for_upstream_[t] = plan[t].waits_for_upstream;
  }
  for (std::size_t t : order) {
    if (summary_.tasks[t].status == TaskStatus::kUpToDate)
      delegate_.task_finished(t, summary_.tasks[t]);
    if (!pending(t)) continue;
    for (std::size_t needed : dag_.needs[t]) waiting_on_[t] += pending(needed) ? 1 : 0;
    if (waiting_on_[t] == 0) ready_.push_back(t);
  }

  for (;;) {
    bool may_start = !stop_new_ && !runner_.interrupt_pending();
    Clock::time_point now = runner_.now();
    // Retries that are due go first: those tasks are already under way.
    if (!summary_.interrupted) {
      for (std::size_t t : order) {
        if (running_ >= static_cast<std::size_t>(options_.jobs)) break;
        if (retry_at_[t] && *retry_at_[t] <= now) {
          retry_at_[t].reset();
          start_attempt(t, static_cast<int>(summary_.tasks[t].attempts.size()) + 1);
        }
      }
    }
    while (may_start && !ready_.empty() && running_ < static_cast<std::size_t>(options_.jobs)) {
      std::size_t t = ready_.front();
      ready_.erase(ready_.begin());
      if (waits_for_upstream_[t]) {
        Decision decision = delegate_.recheck(t);
        summary_.tasks[t].reason = decision.reason;
        if (!decision.run) {
          finish(t, TaskStatus::kUpToDate, decision.reason);
          release_dependents(t);
          continue;
        }
      }
      start_attempt(t, 1);
    }

    std::optional<Clock::time_point> deadline;
    for (std::size_t t = 0; t < n; ++t) {
      if (retry_at_[t] && (!deadline || *retry_at_[t] < *deadline)) deadline = retry_at_[t];
    }
    bool idle = running_ == 0 && !deadline.has_value();
    if (idle && (ready_.empty() || !may_start)) {
      // Done, unless an interrupt is pending that wait() has yet to report.
      if (stop_new_ || summary_.interrupted || !runner_.interrupt_pending()) break;
    }
    if (options_.tick.count() > 0) {
      Clock::time_point tick_at = runner_.now() + options_.tick;
      if (!deadline || tick_at < *deadline) deadline = tick_at;
    }
    RunnerEvent event = runner_.wait(deadline);
    switch (event.kind) {
      case RunnerEvent::Kind::kFinished:
        on_result(event.result);
        break;
      case RunnerEvent::Kind::kInterrupted:
        on_interrupt(event.signal);
        break;
      case RunnerEvent::Kind::kDeadline:
        delegate_.tick();
        break;
    }
  }

  // Whatever never started.
  std::string reason = summary_.interrupted ? "not started: interrupted"
                                            : "not started: " + first_failure_ + " failed";
  for (std::size_t t : order) {
    if (pending(t)) finish(t, TaskStatus::kNotRun, reason);
  }
  return summary_;
}

void Scheduler::start_attempt(std::size_t task, int attempt) {
  started_[task] = true;
  if (!first_start_[task]) first_start_[task] = runner_.now();
  Attempt record;
  record.number = attempt;
  record.started = std::chrono::system_clock::now();
  summary_.tasks[task].attempts.push_back(record);
  ++running_;
  delegate_.attempt_started(task, attempt);
  try {
    runner_.start(delegate_.command(task, attempt));
  } catch (const common::Error& e) {
    // Reported like a spawn failure; the runner never saw the command.
    CommandResult result;
    result.task = task;
    result.attempt = attempt;
    result.how = Termination::kSpawnFailed;
    result.error = std::string("cannot start: ") + e.what();
    on_result(result);
  }
}

void Scheduler::on_result(const CommandResult& result) {
  std::size_t t = result.task;
  --running_;
  TaskOutcome& outcome = summary_.tasks[t];
  Attempt& attempt = outcome.attempts.back();
  attempt.result = result;
  outcome.attempts_s += result.duration_s;
  std::string failure = describe(result);
  bool exited_ok = failure.empty();
  if (exited_ok) failure = delegate_.check_outputs(t);
  if (failure.empty()) {
    try {
      delegate_.succeeded(t);
    } catch (const common::Error& e) {
      failure = std::string("cannot record the task's state: ") + e.what();
    }
  }
  attempt.failure = failure;

  if (failure.empty()) {
    delegate_.attempt_finished(t, attempt, std::nullopt);
    finish(t, TaskStatus::kOk, outcome.reason);
    release_dependents(t);
    return;
  }
  if (result.stopped) {
    delegate_.attempt_finished(t, attempt, std::nullopt);
    if (summary_.interrupted) {
      finish(t, TaskStatus::kInterrupted, "interrupted (" + failure + ")");
    } else {
      finish(t, TaskStatus::kStopped, "stopped: " + first_failure_ + " failed (" + failure + ")");
    }
    return;
  }
  const RetryPolicy& policy = dag_.tasks[t].retry;
  bool retry = !exited_ok && is_retryable(policy, result) && attempt.number < policy.n_tries &&
               !summary_.interrupted &&
               !(stop_new_ && options_.fail_mode == FailMode::kKillRunning);
  if (retry) {
    std::chrono::milliseconds pause = retry_delay(policy, dag_.tasks[t].name, attempt.number);
    retry_at_[t] = runner_.now() + pause;
    delegate_.attempt_finished(t, attempt, pause);
    return;
  }
  delegate_.attempt_finished(t, attempt, std::nullopt);
  fail(t, failure);
}

void Scheduler::fail(std::size_t task, const std::string& failure) {
  summary_.failed = true;
  finish(task, TaskStatus::kFailed, failure);
  // Everything downstream that has not started is skipped, in dependency order.
  std::vector<bool> downstream = downstream_closure(dag_.needs, {task});
  std::vector<std::size_t> order = topological_order(dag_.needs);
  for (std::size_t t : order) {
    if (t == task || !downstream[t] || !pending(t) || started_[t]) continue;
    ready_.erase(std::remove(ready_.begin(), ready_.end(), t), ready_.end());
    finish(t, TaskStatus::kSkipped, "upstream failed: " + dag_.tasks[task].name);
  }
  if (options_.fail_mode == FailMode::kKeepGoing || stop_new_) return;
  stop_new_ = true;
  first_failure_ = dag_.tasks[task].name;
  if (options_.fail_mode == FailMode::kKillRunning) {
    cancel_retries(TaskStatus::kStopped, "stopped: " + first_failure_ + " failed");
    runner_.stop_all();
  }
}

void Scheduler::on_interrupt(int signal) {
  if (!summary_.interrupted) {
    summary_.interrupted = true;
    summary_.signal = signal;
    stop_new_ = true;
    cancel_retries(TaskStatus::kInterrupted, "interrupted while waiting to retry");
  }
  delegate_.interrupted(signal);
}

void Scheduler::cancel_retries(TaskStatus status, const std::string& reason) {
  for (std::size_t t = 0; t < retry_at_.size(); ++t) {
    if (!retry_at_[t]) continue;
    retry_at_[t].reset();
    finish(t, status, reason);
  }
}

void Scheduler::finish(std::size_t task, TaskStatus status, std::string reason) {
  TaskOutcome& outcome = summary_.tasks[task];
  outcome.status = status;
  outcome.reason = std::move(reason);
  if (first_start_[task]) {
    outcome.duration_s =
        std::max(outcome.attempts_s,
                 std::chrono::duration<double>(runner_.now() - *first_start_[task]).count());
  }
  if (status == TaskStatus::kStopped) summary_.failed = true;
  delegate_.task_finished(task, outcome);
}

void Scheduler::release_dependents(std::size_t task) {
  for (std::size_t d : dependents_[task]) {
    if (!pending(d) || started_[d] || waiting_on_[d] == 0) continue;
    if (--waiting_on_[d] == 0) {
      auto at =
          std::lower_bound(ready_.begin(), ready_.end(), d,
                           [this](std::size_t a, std::size_t b) { return rank_[a] < rank_[b]; });
      ready_.insert(at, d);
    }
  }
}

}  // namespace driver
