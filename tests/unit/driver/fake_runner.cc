#include "tests/unit/driver/fake_runner.h"

#include <signal.h>

#include <algorithm>

namespace driver_test {

using driver::Clock;

namespace {

Clock::duration from_seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

double FakeRunner::seconds() const {
  return std::chrono::duration<double>(now_ - Clock::time_point{}).count();
}

void FakeRunner::start(const driver::Command& command) {
  const std::string& name = dag_.tasks[command.task].name;
  started.push_back(name + "#" + std::to_string(command.attempt));
  start_times.push_back(seconds());
  Script script;
  if (auto it = scripts.find(name); it != scripts.end() && !it->second.empty()) {
    std::size_t k =
        std::min<std::size_t>(static_cast<std::size_t>(command.attempt), it->second.size());
    script = it->second[k - 1];
  }
  driver::CommandResult result;
  result.task = command.task;
  result.attempt = command.attempt;
  result.how = script.how;
  result.exit_code = script.exit_code;
  result.signal = script.signal;
  result.duration_s = script.duration_s;
  if (script.how == driver::Termination::kTimedOut) result.signal = SIGTERM;
  running_.push_back(Running{result, now_ + from_seconds(script.duration_s)});
  max_parallel = std::max(max_parallel, running_.size());
}

void FakeRunner::deliver_interrupt() {
  interrupt_delivered_ = true;
  for (Running& r : running_) {
    r.result.how = driver::Termination::kSignaled;
    r.result.signal = SIGINT;
    r.result.stopped = true;
    r.ends = now_;
  }
}

bool FakeRunner::interrupt_pending() { return interrupt_delivered_ && !interrupt_reported_; }

void FakeRunner::stop_all() {
  for (Running& r : running_) {
    if (r.result.stopped) continue;
    r.result.how = driver::Termination::kSignaled;
    r.result.signal = SIGTERM;
    r.result.stopped = true;
    r.ends = now_;
  }
}

driver::RunnerEvent FakeRunner::wait(std::optional<Clock::time_point> deadline) {
  driver::RunnerEvent event;
  for (;;) {
    if (interrupt_delivered_ && !interrupt_reported_) {
      interrupt_reported_ = true;
      event.kind = driver::RunnerEvent::Kind::kInterrupted;
      event.signal = SIGINT;
      return event;
    }
    // The earliest of: an attempt ending, the deadline, the interrupt.
    auto first =
        std::min_element(running_.begin(), running_.end(),
                         [](const Running& a, const Running& b) { return a.ends < b.ends; });
    std::optional<Clock::time_point> interrupt;
    if (interrupt_at_s && !interrupt_delivered_)
      interrupt = Clock::time_point{} + from_seconds(*interrupt_at_s);
    if (interrupt && (first == running_.end() || *interrupt < first->ends) &&
        (!deadline || *interrupt <= *deadline)) {
      now_ = std::max(now_, *interrupt);
      deliver_interrupt();
      continue;
    }
    if (first != running_.end() && (!deadline || first->ends <= *deadline)) {
      now_ = std::max(now_, first->ends);
      event.kind = driver::RunnerEvent::Kind::kFinished;
      event.result = first->result;
      running_.erase(first);
      return event;
    }
    if (deadline) now_ = std::max(now_, *deadline);
    event.kind = driver::RunnerEvent::Kind::kDeadline;
    return event;
  }
}

driver::Dag make_dag(const std::vector<std::pair<std::string, std::vector<std::string>>>& tasks) {
  driver::Dag dag;
  for (const auto& [name, needs] : tasks) {
    driver::Task task;
    task.name = name;
    task.cmd = {"true"};
    task.program = "/bin/true";
    dag.tasks.push_back(task);
  }
  dag.needs.assign(tasks.size(), {});
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    for (const std::string& needed : tasks[t].second) dag.needs[t].push_back(dag.find(needed));
    std::sort(dag.needs[t].begin(), dag.needs[t].end());
  }
  return dag;
}

}  // namespace driver_test
