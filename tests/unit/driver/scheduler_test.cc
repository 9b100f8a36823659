#include "driver/scheduler.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <set>

#include "tests/unit/driver/fake_runner.h"

using driver::TaskStatus;
using driver::Termination;
using driver_test::FakeRunner;
using driver_test::make_dag;

namespace {

// Records what the scheduler asks and reports, as short strings.
class FakeDelegate : public driver::SchedulerDelegate {
 public:
  explicit FakeDelegate(const driver::Dag& dag) : dag_(dag) {}

  std::set<std::string> missing_outputs;  // tasks whose outputs are missing after exit 0
  std::set<std::string> up_to_date_on_recheck;
  std::vector<std::string> events;

  driver::Command command(std::size_t task, int attempt) override {
    driver::Command c;
    c.task = task;
    c.attempt = attempt;
    return c;
  }
  driver::Decision recheck(std::size_t task) override {
    events.push_back("recheck " + name(task));
    if (up_to_date_on_recheck.count(name(task)))
      return driver::Decision{false, "up to date", false};
    return driver::Decision{true, "input changed", false};
  }
  std::string check_outputs(std::size_t task) override {
    return missing_outputs.count(name(task)) ? "exit 0 but output out.txt missing" : "";
  }
  void succeeded(std::size_t task) override { events.push_back("checkpoint " + name(task)); }
  void attempt_started(std::size_t, int) override {}
  void attempt_finished(std::size_t task, const driver::Attempt& attempt,
                        std::optional<std::chrono::milliseconds> retry_in) override {
    if (retry_in) events.push_back("retry " + name(task) + " after " + attempt.failure);
  }
  void task_finished(std::size_t task, const driver::TaskOutcome& outcome) override {
    events.push_back(name(task) + " " + driver::to_string(outcome.status));
  }
  void interrupted(int signal) override {
    events.push_back("interrupted " + std::to_string(signal));
  }

 private:
  std::string name(std::size_t task) const { return dag_.tasks[task].name; }
  const driver::Dag& dag_;
};

std::vector<driver::Decision> all_run(const driver::Dag& dag) {
  return std::vector<driver::Decision>(dag.tasks.size(), driver::Decision{true, "forced", false});
}

driver::RunSummary run(const driver::Dag& dag, FakeRunner& runner, FakeDelegate& delegate,
                       driver::SchedulerOptions options = {},
                       std::optional<std::vector<driver::Decision>> plan = std::nullopt) {
  driver::Scheduler scheduler(dag, options, runner, delegate);
  return scheduler.run(std::vector<bool>(dag.tasks.size(), true), plan ? *plan : all_run(dag));
}

}  // namespace

TEST_CASE("a chain runs in dependency order", "[scheduler]") {
  driver::Dag dag = make_dag({{"report", {"train"}}, {"ingest", {}}, {"train", {"ingest"}}});
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate, {.jobs = 4});
  REQUIRE(runner.started == std::vector<std::string>{"ingest#1", "train#1", "report#1"});
  REQUIRE_FALSE(summary.failed);
  REQUIRE(summary.tasks[0].status == TaskStatus::kOk);
}

TEST_CASE("independent tasks run in parallel up to the job limit", "[scheduler]") {
  driver::Dag dag = make_dag({{"a", {}}, {"b", {}}, {"c", {}}, {"d", {}}, {"e", {}}});
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  run(dag, runner, delegate, {.jobs = 2});
  REQUIRE(runner.max_parallel == 2);
  REQUIRE(runner.seconds() == Approx(3.0));  // 5 one-second tasks, 2 at a time
}

TEST_CASE("ready tasks start in declaration order", "[scheduler]") {
  driver::Dag dag = make_dag({{"root", {}}, {"x", {"root"}}, {"y", {"root"}}, {"z", {"root"}}});
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  run(dag, runner, delegate, {.jobs = 1});
  REQUIRE(runner.started == std::vector<std::string>{"root#1", "x#1", "y#1", "z#1"});
}

TEST_CASE("the scheduler retries exit 75 until the third attempt passes", "[scheduler]") {
  driver::Dag dag = make_dag({{"flaky", {}}});
  dag.tasks[0].retry.n_tries = 3;
  dag.tasks[0].retry.jitter = 0;
  FakeRunner runner(dag);
  runner.scripts["flaky"] = {
      {Termination::kExited, 75}, {Termination::kExited, 75}, {Termination::kExited, 0}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate);
  REQUIRE(summary.tasks[0].status == TaskStatus::kOk);
  REQUIRE(summary.tasks[0].attempts.size() == 3);
  REQUIRE(delegate.events == std::vector<std::string>{"retry flaky after exit 75",
                                                      "retry flaky after exit 75",
                                                      "checkpoint flaky", "flaky ok"});
}

TEST_CASE("retries wait with exponential backoff", "[scheduler]") {
  driver::Dag dag = make_dag({{"flaky", {}}});
  dag.tasks[0].retry = driver::RetryPolicy{};
  dag.tasks[0].retry.n_tries = 4;
  dag.tasks[0].retry.delay_s = 1;
  dag.tasks[0].retry.backoff = 3;
  dag.tasks[0].retry.max_delay_s = 5;
  dag.tasks[0].retry.jitter = 0;
  FakeRunner runner(dag);
  runner.scripts["flaky"] = {{Termination::kExited, 75, 0, 1.0}};
  FakeDelegate delegate(dag);
  run(dag, runner, delegate);
  // Attempts take 1 s; pauses are 1 s, 3 s, then 9 s capped at 5 s.
  REQUIRE(runner.start_times == std::vector<double>{0, 2, 6, 12});
}

TEST_CASE("a task's time includes the pauses between its attempts", "[scheduler]") {
  driver::Dag dag = make_dag({{"flaky", {}}});
  dag.tasks[0].retry = driver::RetryPolicy{};
  dag.tasks[0].retry.n_tries = 3;
  dag.tasks[0].retry.delay_s = 2;
  dag.tasks[0].retry.backoff = 1;
  dag.tasks[0].retry.jitter = 0;
  FakeRunner runner(dag);
  runner.scripts["flaky"] = {{Termination::kExited, 75, 0, 0.5},
                             {Termination::kExited, 75, 0, 0.25},
                             {Termination::kExited, 0, 0, 1.0}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate);
  const driver::TaskOutcome& o = summary.tasks[0];
  REQUIRE(o.status == TaskStatus::kOk);
  REQUIRE(o.attempts.size() == 3);
  REQUIRE(o.attempts[0].result.duration_s == Approx(0.5));
  REQUIRE(o.attempts[1].result.duration_s == Approx(0.25));
  REQUIRE(o.attempts[2].result.duration_s == Approx(1.0));
  REQUIRE(o.attempts_s == Approx(1.75));
  REQUIRE(o.duration_s == Approx(5.75));  // 1.75 s of work and two 2 s pauses
}

TEST_CASE("an exit code outside retry_on fails at once", "[scheduler]") {
  driver::Dag dag = make_dag({{"clean", {}}});
  dag.tasks[0].retry.n_tries = 3;
  FakeRunner runner(dag);
  runner.scripts["clean"] = {{Termination::kExited, 65}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate);
  REQUIRE(runner.started == std::vector<std::string>{"clean#1"});
  REQUIRE(summary.tasks[0].status == TaskStatus::kFailed);
  REQUIRE(summary.tasks[0].reason == "exit 65");
  REQUIRE(summary.failed);
}

TEST_CASE("a timed out attempt is retried by default", "[scheduler]") {
  driver::Dag dag = make_dag({{"slow", {}}});
  dag.tasks[0].retry.n_tries = 2;
  dag.tasks[0].timeout_s = 0.5;
  FakeRunner runner(dag);
  runner.scripts["slow"] = {{Termination::kTimedOut, -1, 0, 0.5}, {Termination::kExited, 0}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate);
  REQUIRE(delegate.events.front() == "retry slow after timed out after 0.5s");
  REQUIRE(summary.tasks[0].status == TaskStatus::kOk);
}

TEST_CASE("an exit 0 without the declared outputs fails without a retry", "[scheduler]") {
  driver::Dag dag = make_dag({{"lazy", {}}});
  dag.tasks[0].retry.n_tries = 3;
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  delegate.missing_outputs = {"lazy"};
  driver::RunSummary summary = run(dag, runner, delegate);
  REQUIRE(runner.started.size() == 1);
  REQUIRE(summary.tasks[0].status == TaskStatus::kFailed);
  REQUIRE(summary.tasks[0].reason == "exit 0 but output out.txt missing");
}

TEST_CASE("after a failure nothing new starts and downstream tasks are skipped", "[scheduler]") {
  driver::Dag dag = make_dag({{"clean", {}}, {"train", {"clean"}}, {"side", {}}});
  FakeRunner runner(dag);
  runner.scripts["clean"] = {{Termination::kExited, 65}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate, {.jobs = 1});
  REQUIRE(runner.started == std::vector<std::string>{"clean#1"});
  REQUIRE(summary.tasks[1].status == TaskStatus::kSkipped);
  REQUIRE(summary.tasks[1].reason == "upstream failed: clean");
  REQUIRE(summary.tasks[2].status == TaskStatus::kNotRun);
  REQUIRE(summary.tasks[2].reason == "not started: clean failed");
}

TEST_CASE("keep-going runs every branch that does not need the failure", "[scheduler]") {
  driver::Dag dag =
      make_dag({{"clean", {}}, {"train", {"clean"}}, {"side", {}}, {"after", {"side"}}});
  FakeRunner runner(dag);
  runner.scripts["clean"] = {{Termination::kExited, 65}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary =
      run(dag, runner, delegate, {.jobs = 1, .fail_mode = driver::FailMode::kKeepGoing});
  REQUIRE(runner.started == std::vector<std::string>{"clean#1", "side#1", "after#1"});
  REQUIRE(summary.tasks[1].status == TaskStatus::kSkipped);
  REQUIRE(summary.tasks[3].status == TaskStatus::kOk);
  REQUIRE(summary.failed);
}

TEST_CASE("by default running tasks finish after a failure", "[scheduler]") {
  driver::Dag dag = make_dag({{"fast", {}}, {"slow", {}}});
  FakeRunner runner(dag);
  runner.scripts["fast"] = {{Termination::kExited, 1, 0, 1.0}};
  runner.scripts["slow"] = {{Termination::kExited, 0, 0, 5.0}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate, {.jobs = 2});
  REQUIRE(summary.tasks[1].status == TaskStatus::kOk);
}

TEST_CASE("fail-fast=kill stops the running tasks", "[scheduler]") {
  driver::Dag dag = make_dag({{"fast", {}}, {"slow", {}}});
  FakeRunner runner(dag);
  runner.scripts["fast"] = {{Termination::kExited, 1, 0, 1.0}};
  runner.scripts["slow"] = {{Termination::kExited, 0, 0, 5.0}};
  FakeDelegate delegate(dag);
  driver::RunSummary summary =
      run(dag, runner, delegate, {.jobs = 2, .fail_mode = driver::FailMode::kKillRunning});
  REQUIRE(summary.tasks[1].status == TaskStatus::kStopped);
  REQUIRE(summary.tasks[1].reason == "stopped: fast failed (killed by signal 15 (SIGTERM))");
  REQUIRE(runner.seconds() == Approx(1.0));
}

TEST_CASE("an interrupt stops the run and starts nothing new", "[scheduler]") {
  driver::Dag dag = make_dag({{"a", {}}, {"b", {"a"}}});
  FakeRunner runner(dag);
  runner.interrupt_at_s = 0.5;
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate);
  REQUIRE(summary.interrupted);
  REQUIRE(summary.signal == SIGINT);
  REQUIRE(summary.tasks[0].status == TaskStatus::kInterrupted);
  REQUIRE(summary.tasks[1].status == TaskStatus::kNotRun);
  REQUIRE(summary.tasks[1].reason == "not started: interrupted");
  REQUIRE(runner.started == std::vector<std::string>{"a#1"});
}

TEST_CASE("an interrupt cancels a pending retry", "[scheduler]") {
  driver::Dag dag = make_dag({{"flaky", {}}});
  dag.tasks[0].retry.n_tries = 3;
  dag.tasks[0].retry.delay_s = 10;
  FakeRunner runner(dag);
  runner.scripts["flaky"] = {{Termination::kExited, 75, 0, 1.0}};
  runner.interrupt_at_s = 2;
  FakeDelegate delegate(dag);
  driver::RunSummary summary = run(dag, runner, delegate);
  REQUIRE(runner.started == std::vector<std::string>{"flaky#1"});
  REQUIRE(summary.tasks[0].status == TaskStatus::kInterrupted);
  REQUIRE(summary.tasks[0].reason == "interrupted while waiting to retry");
}

TEST_CASE("up-to-date tasks are not run and do not hold back their dependents", "[scheduler]") {
  driver::Dag dag = make_dag({{"ingest", {}}, {"clean", {"ingest"}}});
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  std::vector<driver::Decision> plan{{false, "up to date", false},
                                     {true, "command changed", false}};
  driver::RunSummary summary = run(dag, runner, delegate, {}, plan);
  REQUIRE(runner.started == std::vector<std::string>{"clean#1"});
  REQUIRE(summary.tasks[0].status == TaskStatus::kUpToDate);
  REQUIRE(summary.tasks[1].reason == "command changed");
}

TEST_CASE("a task waiting on upstream is decided again once upstream has run", "[scheduler]") {
  driver::Dag dag = make_dag({{"ingest", {}}, {"clean", {"ingest"}}, {"train", {"clean"}}});
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  delegate.up_to_date_on_recheck = {"clean", "train"};
  std::vector<driver::Decision> plan{{true, "input raw.csv changed", false},
                                     {true, "upstream will run: ingest", true},
                                     {true, "upstream will run: clean", true}};
  driver::RunSummary summary = run(dag, runner, delegate, {}, plan);
  REQUIRE(runner.started == std::vector<std::string>{"ingest#1"});
  REQUIRE(summary.tasks[1].status == TaskStatus::kUpToDate);
  REQUIRE(summary.tasks[2].status == TaskStatus::kUpToDate);
}

TEST_CASE("unselected tasks are neither run nor reported", "[scheduler]") {
  driver::Dag dag = make_dag({{"a", {}}, {"b", {"a"}}});
  FakeRunner runner(dag);
  FakeDelegate delegate(dag);
  driver::Scheduler scheduler(dag, {}, runner, delegate);
  driver::RunSummary summary = scheduler.run({true, false}, all_run(dag));
  REQUIRE(runner.started == std::vector<std::string>{"a#1"});
  REQUIRE(summary.tasks[1].status == TaskStatus::kNotSelected);
  REQUIRE(delegate.events == std::vector<std::string>{"checkpoint a", "a ok"});
}
