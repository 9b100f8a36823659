// End-to-end: timeouts, interrupts and the workdir lock, with real process groups.

#include <signal.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "common/json_util.h"
#include "tests/e2e/driver/driver_e2e_util.h"
#include "tests/unit/driver/live_process.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using driver_e2e::Background;
using driver_e2e::Project;
using driver_e2e::shell_task;

TEST_CASE("a hanging task is killed at its timeout with its child processes", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task("hang", "sleep 30 & echo $! > ../child.pid; echo $$ > ../shell.pid; wait",
                          {}, {"out.txt"}, "\"timeout_s\": 1, \"kill_grace_s\": 0.5")});
  test_util::ProcessResult run = p.driver({});
  REQUIRE(run.exit_code == 1);
  REQUIRE_THAT(run.err, Contains("FAILED: hang (timed out after 1s, attempt 1/1)\n"));
  pid_t child = driver_test::read_pid(p / "child.pid");
  pid_t shell = driver_test::read_pid(p / "shell.pid");
  REQUIRE(child > 0);
  REQUIRE_FALSE(driver_test::process_alive(child));
  REQUIRE_FALSE(driver_test::process_alive(shell));
}

TEST_CASE("a timeout is retried like a temporary failure", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task(
      "slow", "if [ -f ../slow-once ]; then touch out.txt; else touch ../slow-once; sleep 30; fi",
      {}, {"out.txt"}, "\"timeout_s\": 1, \"retry\": {\"n_tries\": 2, \"delay_s\": 0.01}")});
  test_util::ProcessResult run = p.driver({});
  REQUIRE(run.exit_code == 0);
  REQUIRE_THAT(run.err,
               Contains("[1/1] slow timed out after 1s, retrying in 0.01s (attempt 1/2)\n"));
}

TEST_CASE("SIGINT stops the run, leaves no process behind and the workspace resumable",
          "[e2e][driver]") {
  Project p;
  p.write_dag(
      {shell_task("first", "echo first >> ../ran.log; touch one.txt", {}, {"one.txt"}),
       shell_task(
           "second",
           "if [ -f ../quick ]; then echo second >> ../ran.log; cp one.txt two.txt; exit 0; fi; "
           "sleep 30 & echo $! > ../sleeper.pid; echo $$ > ../shell.pid; touch ../started; wait",
           {"one.txt"}, {"two.txt"}, "\"kill_grace_s\": 2"),
       shell_task("third", "echo third >> ../ran.log; cp two.txt three.txt", {"two.txt"},
                  {"three.txt"})});
  Background driver(p, {"--run-id", "int1", "-j", "1"});
  REQUIRE(driver_test::wait_for_file(p / "started"));
  driver.signal(SIGINT);
  test_util::ProcessResult run = driver.wait();
  INFO(run.err);
  REQUIRE(run.exit_code == 130);
  REQUIRE_THAT(run.err, Contains("driver: interrupted by SIGINT, stopping 1 running task(s)\n"));
  REQUIRE_THAT(run.err, Contains("[3/3] third not run: not started: interrupted\n"));
  REQUIRE_FALSE(driver_test::process_alive(driver_test::read_pid(p / "sleeper.pid")));
  REQUIRE_FALSE(driver_test::process_alive(driver_test::read_pid(p / "shell.pid")));
  boost::json::object manifest = common::read_json_file(p / "runs/int1/manifest.json").as_object();
  REQUIRE(manifest.at("status").as_string() == "interrupted");
  REQUIRE(manifest.at("tasks").at("second").at("status").as_string() == "interrupted");

  p.write("quick", "");
  test_util::ProcessResult resume = p.driver({"-j", "1"});
  REQUIRE(resume.exit_code == 0);
  REQUIRE_THAT(resume.err, Contains("[1/3] first up to date\n"));
  REQUIRE(test_util::read_lines(p / "ran.log") ==
          std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("SIGTERM is forwarded to the running tasks as well", "[e2e][driver]") {
  Project p;
  p.write_dag(
      {shell_task("wait", "echo $$ > ../shell.pid; touch ../started; sleep 30", {}, {"out.txt"})});
  Background driver(p, {});
  REQUIRE(driver_test::wait_for_file(p / "started"));
  driver.signal(SIGTERM);
  test_util::ProcessResult run = driver.wait();
  REQUIRE(run.exit_code == 130);
  REQUIRE_THAT(run.err, Contains("driver: interrupted by SIGTERM, stopping 1 running task(s)\n"));
  REQUIRE_FALSE(driver_test::process_alive(driver_test::read_pid(p / "shell.pid")));
}

TEST_CASE("a second driver on the same workdir exits 75 naming the holder", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task(
      "hold", "touch ../started; while [ ! -f ../release ]; do sleep 0.02; done; touch out.txt", {},
      {"out.txt"})});
  Background holder(p, {"--run-id", "holder-run"});
  REQUIRE(driver_test::wait_for_file(p / "started"));
  test_util::ProcessResult second = p.driver({"--run-id", "second-run"});
  REQUIRE(second.exit_code == 75);
  REQUIRE_THAT(second.err,
               StartsWith("driver: workdir " + (p / "work").string() + " is locked by pid " +
                          std::to_string(holder.pid()) + " (run holder-run, started "));
  REQUIRE_THAT(second.err, Contains("); use --lock-wait SECONDS to wait for it\n"));
  REQUIRE_FALSE(p.exists("runs/second-run"));
  p.write("release", "");
  REQUIRE(holder.wait().exit_code == 0);
}

TEST_CASE("a second driver with --lock-wait waits for the first one", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task(
      "hold", "touch ../started; while [ ! -f ../release ]; do sleep 0.02; done; touch out.txt", {},
      {"out.txt"})});
  Background holder(p, {"--run-id", "holder-run"});
  REQUIRE(driver_test::wait_for_file(p / "started"));
  Background waiter(p, {"--lock-wait", "30"});
  std::string waiting = "driver: waiting up to 30s for the lock on " + (p / "work").string() +
                        " (held by pid " + std::to_string(holder.pid()) + ", run holder-run)\n";
  REQUIRE(waiter.wait_for_stderr(waiting));
  p.write("release", "");
  REQUIRE(holder.wait().exit_code == 0);
  test_util::ProcessResult waited = waiter.wait();
  REQUIRE(waited.exit_code == 0);
  REQUIRE(waited.err == waiting + "driver: nothing to do: the task is up to date\n");
}

TEST_CASE("a lock left by a dead driver is taken over", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task("a", "touch out.txt", {}, {"out.txt"})});
  p.write("work/.lock",
          R"({"pid": 999999, "run_id": "crashed-run", "started": "2025-01-01T00:00:00.000Z"})");
  test_util::ProcessResult run = p.driver({});
  REQUIRE(run.exit_code == 0);
  REQUIRE_THAT(run.err, StartsWith("driver: took over the lock of " + (p / "work").string() +
                                   " left by pid 999999 (run crashed-run), which is gone\n"));
}

TEST_CASE("the SIGCHLD fallback runs tasks and timeouts as well", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task("quick", "touch out.txt", {}, {"out.txt"}),
               shell_task("hang", "sleep 30 & echo $! > ../child.pid; wait", {}, {"never.txt"},
                          "\"timeout_s\": 1, \"kill_grace_s\": 0.3")});
  test_util::ProcessResult run =
      p.driver({"--keep-going"}, {{"PIPELINE_DRIVER_EXIT_WATCH", "sigchld"}});
  REQUIRE(run.exit_code == 1);
  REQUIRE(p.exists("work/out.txt"));
  REQUIRE_THAT(run.err, Contains("FAILED: hang (timed out after 1s, attempt 1/1)\n"));
  REQUIRE_FALSE(driver_test::process_alive(driver_test::read_pid(p / "child.pid")));
}
