#include "driver/process_runner.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/test_util.h"
#include "tests/unit/driver/live_process.h"

namespace fs = std::filesystem;
using driver::RunnerEvent;
using driver::Termination;

namespace {

driver::Command shell(const fs::path& dir, const std::string& script, std::size_t task = 0) {
  driver::Command c;
  c.task = task;
  c.program = "/bin/sh";
  c.argv = {"sh", "-c", script};
  c.cwd = dir;
  c.env = {"PATH=/usr/bin:/bin", "FOO=bar"};
  c.output = dir / ("out-" + std::to_string(task) + ".txt");
  c.kill_grace = std::chrono::milliseconds(300);
  return c;
}

driver::CommandResult finish_one(driver::ProcessRunner& runner) {
  RunnerEvent event = runner.wait(std::nullopt);
  REQUIRE(event.kind == RunnerEvent::Kind::kFinished);
  return event.result;
}

}  // namespace

TEST_CASE("an exit code comes back with the attempt's rusage", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  runner.start(shell(dir.path(), "exit 3"));
  driver::CommandResult r = finish_one(runner);
  REQUIRE(r.how == Termination::kExited);
  REQUIRE(r.exit_code == 3);
  REQUIRE(r.max_rss_kb > 0);
  REQUIRE_FALSE(r.stopped);
}

TEST_CASE("death by a signal is told apart from an exit code", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  runner.start(shell(dir.path(), "kill -9 $$"));
  driver::CommandResult r = finish_one(runner);
  REQUIRE(r.how == Termination::kSignaled);
  REQUIRE(r.signal == SIGKILL);
}

TEST_CASE("argv[0], working directory and environment reach the child", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  driver::Command c = shell(dir.path(), "echo \"$0 $(pwd) $FOO\"; echo oops >&2");
  c.argv[0] = "task-sh";
  runner.start(c);
  REQUIRE(finish_one(runner).exit_code == 0);
  REQUIRE(test_util::read_text(c.output) == "task-sh " + dir.path().string() + " bar\noops\n");
}

TEST_CASE("the output file is truncated before an attempt", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  driver::Command c = shell(dir.path(), "echo x");
  test_util::write_text(c.output, "a much longer leftover from an earlier attempt\n");
  runner.start(c);
  finish_one(runner);
  REQUIRE(test_util::read_text(c.output) == "x\n");
}

TEST_CASE("the driver's descriptors do not leak into a task", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  driver::Command c = shell(dir.path(), "");
  c.program = "/bin/ls";
  c.argv = {"ls", "/proc/self/fd"};
  runner.start(c);
  finish_one(runner);
  // stdin, stdout, stderr and the directory `ls` itself opens (not through a shell:
  // dash keeps a descriptor of its own).
  REQUIRE(test_util::read_text(c.output) == "0\n1\n2\n3\n");
}

TEST_CASE("a program that cannot be executed is a spawn failure", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  driver::Command c = shell(dir.path(), "");
  c.program = dir.path() / "missing";
  c.argv = {"missing"};
  runner.start(c);
  driver::CommandResult r = finish_one(runner);
  REQUIRE(r.how == Termination::kSpawnFailed);
  REQUIRE(r.error == "cannot start missing: No such file or directory");
}

TEST_CASE("a timeout kills the task's whole process group", "[runner]") {
  test_util::TempDir dir;
  pid_t child = 0;
  {
    driver::ProcessRunner runner;
    driver::Command c = shell(dir.path(), "sleep 30 & echo $! > child.pid; wait");
    c.timeout = std::chrono::milliseconds(1000);
    runner.start(c);
    child = driver_test::read_pid(dir / "child.pid");
    REQUIRE(child > 0);
    driver::CommandResult r = finish_one(runner);
    REQUIRE(r.how == Termination::kTimedOut);
    runner.finish();
  }
  REQUIRE_FALSE(driver_test::process_alive(child));
}

TEST_CASE("a process that ignores SIGTERM gets SIGKILL after the grace period", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  runner.start(shell(dir.path(), "trap '' TERM; touch ready; while :; do sleep 0.05; done"));
  REQUIRE(driver_test::wait_for_file(dir / "ready"));
  runner.stop_all();
  driver::CommandResult r = finish_one(runner);
  REQUIRE(r.stopped);
  REQUIRE(r.how == Termination::kSignaled);
  REQUIRE(r.signal == SIGKILL);
}

TEST_CASE("stop_all stops what runs and marks it stopped", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  runner.start(shell(dir.path(), "sleep 30", 0));
  runner.start(shell(dir.path(), "sleep 30", 1));
  runner.stop_all();
  driver::CommandResult a = finish_one(runner);
  driver::CommandResult b = finish_one(runner);
  REQUIRE(a.stopped);
  REQUIRE(b.stopped);
  REQUIRE(a.signal == SIGTERM);
  REQUIRE(runner.running() == 0);
}

TEST_CASE("an interrupt is forwarded to every running group", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  driver::Command c = shell(dir.path(), "touch started; sleep 30");
  runner.start(c);
  REQUIRE(driver_test::wait_for_file(dir / "started"));
  ::kill(::getpid(), SIGINT);
  RunnerEvent event = runner.wait(std::nullopt);
  REQUIRE(event.kind == RunnerEvent::Kind::kInterrupted);
  REQUIRE(event.signal == SIGINT);
  driver::CommandResult r = finish_one(runner);
  REQUIRE(r.stopped);
  REQUIRE(r.how == Termination::kSignaled);
  REQUIRE(r.signal == SIGINT);
}

TEST_CASE("the SIGCHLD fallback reaps children as well", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner(driver::ExitWatch::kSigchld);
  runner.start(shell(dir.path(), "exit 4", 0));
  runner.start(shell(dir.path(), "sleep 0.1; exit 5", 1));
  int sum = finish_one(runner).exit_code + finish_one(runner).exit_code;
  REQUIRE(sum == 9);
}

TEST_CASE("a deadline returns when nothing finishes", "[runner]") {
  test_util::TempDir dir;
  driver::ProcessRunner runner;
  runner.start(shell(dir.path(), "sleep 30"));
  RunnerEvent event = runner.wait(driver::Clock::now() + std::chrono::milliseconds(20));
  REQUIRE(event.kind == RunnerEvent::Kind::kDeadline);
  REQUIRE(runner.running() == 1);
}
