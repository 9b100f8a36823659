#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "driver/command_runner.h"
#include "driver/dag.h"

namespace driver_test {

// A scripted CommandRunner on a virtual clock (Ninja's FakeCommandRunner): attempts take
// no real time, so tests of retries, backoff and timeouts run instantly.
class FakeRunner : public driver::CommandRunner {
 public:
  // How one attempt ends and how long it takes on the virtual clock.
  struct Script {
    driver::Termination how = driver::Termination::kExited;
    int exit_code = 0;
    int signal = 0;
    double duration_s = 1.0;
  };

  explicit FakeRunner(const driver::Dag& dag) : dag_(dag) {}

  // scripts[name][k-1] is attempt k of task `name`; the last entry repeats. Default: exit 0.
  std::map<std::string, std::vector<Script>> scripts;
  // An interrupt (SIGINT) arrives when the virtual clock reaches this many seconds.
  std::optional<double> interrupt_at_s;

  void start(const driver::Command& command) override;
  driver::RunnerEvent wait(std::optional<driver::Clock::time_point> deadline) override;
  bool interrupt_pending() override;
  void stop_all() override;
  std::size_t running() const override { return running_.size(); }
  driver::Clock::time_point now() const override { return now_; }

  double seconds() const;  // the virtual clock, from 0

  std::vector<std::string> started;  // "clean#1", in start order
  std::vector<double> start_times;   // virtual seconds, parallel to `started`
  std::size_t max_parallel = 0;

 private:
  struct Running {
    driver::CommandResult result;
    driver::Clock::time_point ends;
  };
  void deliver_interrupt();

  const driver::Dag& dag_;
  driver::Clock::time_point now_{};
  std::vector<Running> running_;
  std::vector<driver::CommandResult> finished_;
  bool interrupt_delivered_ = false;
  bool interrupt_reported_ = false;
};

// A Dag of named tasks; needs[i] names the tasks task i needs.
driver::Dag make_dag(const std::vector<std::pair<std::string, std::vector<std::string>>>& tasks);

}  // namespace driver_test
