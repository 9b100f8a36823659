// End-to-end: the seams between the driver and the processes and state it leaves behind
// (issue 10: a killed driver's tasks, a stale run, retries' time, the hash cache).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "common/json_util.h"
#include "tests/e2e/driver/driver_e2e_util.h"
#include "tests/unit/driver/live_process.h"

using Catch::Matchers::Contains;
using driver_e2e::Background;
using driver_e2e::Project;
using driver_e2e::shell_task;

namespace {

// Waits (up to 20 s) for `pid` to be gone; a test that fails here waited for nothing else.
bool seams_wait_gone(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (driver_test::process_alive(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Kills `pid` at the end of a test, whatever happened.
struct SeamsKillAtEnd {
  std::filesystem::path pid_file;
  ~SeamsKillAtEnd() {
    std::error_code ec;
    if (!std::filesystem::exists(pid_file, ec)) return;
    pid_t pid = driver_test::read_pid(pid_file);
    if (pid > 0) ::kill(pid, SIGKILL);
  }
};

boost::json::object seams_manifest(const Project& p, const std::string& run_id) {
  return common::read_json_file(p / ("runs/" + run_id + "/manifest.json")).as_object();
}

}  // namespace

TEST_CASE("a task dies with its driver killed by SIGKILL", "[e2e][driver][seams]") {
  Project p;
  SeamsKillAtEnd cleanup{p / "sleep.pid"};
  p.write_dag({shell_task("long", "echo $$ > ../sleep.pid; exec sleep 100", {}, {"out.txt"})});
  Background driver(p, {"--run-id", "killed"});
  pid_t sleeper = driver_test::read_pid(p / "sleep.pid");
  REQUIRE(sleeper > 0);
  driver.signal(SIGKILL);
  driver.wait();
  REQUIRE(seams_wait_gone(sleeper));
}

TEST_CASE(
    "the driver taking over a dead driver's lock stops what its tasks left running and "
    "marks its run interrupted",
    "[e2e][driver][seams]") {
  Project p;
  SeamsKillAtEnd cleanup{p / "bg.pid"};
  p.write_dag({shell_task("long",
                          "if [ -f ../quick ]; then touch out.txt; exit 0; fi; "
                          "sleep 100 & echo $! > ../bg.pid; touch ../started; wait",
                          {}, {"out.txt"})});
  Background driver(p, {"--run-id", "dead-run"});
  REQUIRE(driver_test::wait_for_file(p / "started"));
  pid_t left = driver_test::read_pid(p / "bg.pid");
  REQUIRE(left > 0);
  driver.signal(SIGKILL);
  driver.wait();
  // The shell died with the driver; its background sleep is still there.
  REQUIRE(driver_test::process_alive(left));
  REQUIRE(seams_manifest(p, "dead-run").at("status").as_string() == "running");

  p.write("quick", "");
  test_util::ProcessResult next = p.driver({"--run-id", "next-run"});
  INFO(next.err);
  REQUIRE(next.exit_code == 0);
  REQUIRE_THAT(next.err, Contains("driver: stopped 1 process group(s) left running by run "
                                  "dead-run\n"));
  REQUIRE_THAT(next.err, Contains("driver: marked run dead-run interrupted: its driver died\n"));
  REQUIRE_FALSE(driver_test::process_alive(left));
  boost::json::object dead = seams_manifest(p, "dead-run");
  REQUIRE(dead.at("status").as_string() == "interrupted");
  REQUIRE(dead.at("interrupted").at("by_run_id").as_string() == "next-run");
  REQUIRE(dead.at("tasks").at("long").at("status").as_string() == "interrupted");
}

TEST_CASE(
    "a process a successful task leaves in its group is stopped; one in its own session "
    "is not",
    "[e2e][driver][seams]") {
  Project p;
  SeamsKillAtEnd cleanup{p / "service.pid"};
  p.write_dag({shell_task("bg",
                          "sleep 100 & echo $! > ../bg.pid; "
                          "setsid sleep 100 > /dev/null 2>&1 & s=$!; echo $s > ../service.pid; "
                          // Until setsid(2) has run, the service is still in the task's
                          // group; a task that starts one waits for it to leave (field 6 of
                          // /proc/PID/stat is the session), as a real one would by its
                          // readiness check.
                          "while [ \"$(cut -d' ' -f6 /proc/$s/stat)\" != \"$s\" ]; do "
                          "sleep 0.01; done; "
                          "touch out.txt",
                          {}, {"out.txt"})});
  test_util::ProcessResult run = p.driver({});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE_FALSE(driver_test::process_alive(driver_test::read_pid(p / "bg.pid")));
  REQUIRE(driver_test::process_alive(driver_test::read_pid(p / "service.pid")));
}

TEST_CASE("a retried task's time includes the pause, and each attempt has its own",
          "[e2e][driver][seams]") {
  Project p;
  p.write_dag(
      {shell_task("flaky",
                  "if [ -f ../once ]; then touch out.txt; exit 0; fi; "
                  "touch ../once; exit 75",
                  {}, {"out.txt"}, "\"retry\": {\"n_tries\": 2, \"delay_s\": 1, \"jitter\": 0}")});
  test_util::ProcessResult run = p.driver({"--run-id", "r1"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::vector<std::string> rows = driver_e2e::lines_starting(run.err, "flaky ");
  REQUIRE(rows.size() == 1);
  REQUIRE_THAT(rows[0], Contains("s (attempts "));
  boost::json::object task = seams_manifest(p, "r1").at("tasks").at("flaky").as_object();
  const boost::json::array& attempts = task.at("attempt_details").as_array();
  REQUIRE(attempts.size() == 2);
  double sum = attempts[0].at("duration_s").to_number<double>() +
               attempts[1].at("duration_s").to_number<double>();
  REQUIRE(task.at("attempts_s").to_number<double>() == Approx(sum));
  // The pause (1 s without jitter) is part of what the user waited.
  REQUIRE(task.at("wall_s").to_number<double>() >= sum + 0.99);
}

TEST_CASE("a same-size edit in place with the mtime put back makes the task out of date",
          "[e2e][driver][seams]") {
  Project p;
  p.write("work/in.txt", "abc\n");
  p.write_dag({shell_task("copy", "cp in.txt out.txt", {"in.txt"}, {"out.txt"})});
  REQUIRE(p.driver({}).exit_code == 0);
  struct stat before {};
  REQUIRE(::stat((p / "work/in.txt").c_str(), &before) == 0);
  p.write("work/in.txt", "xyz\n");  // same size, same inode
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, (p / "work/in.txt").c_str(), times, 0) == 0);
  test_util::ProcessResult status = p.driver({"status"});
  REQUIRE_THAT(status.out, Contains("copy  will run: input in.txt changed"));
}

TEST_CASE("an up-to-date workspace on a read-only disk has nothing to do and exits 0",
          "[e2e][driver][seams]") {
  Project p;
  test_util::ScopedTmpfs disk(p.path(), 4 << 20);
  if (!disk.mounted()) {
    WARN("SKIPPED: mounting a tmpfs needs root");
    return;
  }
  std::filesystem::create_directories(p / "work");
  p.write_dag({shell_task("a", "touch out.txt", {}, {"out.txt"})});
  REQUIRE(p.driver({}).exit_code == 0);
  REQUIRE(disk.make_read_only());
  test_util::ProcessResult run = p.driver({});
  REQUIRE(run.err == "driver: nothing to do: the task is up to date\n");
  REQUIRE(run.exit_code == 0);
}

TEST_CASE("a read-only runs directory is named with the reason", "[e2e][driver][seams]") {
  Project p;
  test_util::ScopedTmpfs runs(p / "runs", 1 << 20);
  if (!runs.mounted()) {
    WARN("SKIPPED: mounting a tmpfs needs root");
    return;
  }
  REQUIRE(runs.make_read_only());
  p.write_dag({shell_task("a", "touch out.txt", {}, {"out.txt"})});
  test_util::ProcessResult run = p.driver({"--run-id", "ro-run"});
  REQUIRE(run.err == "driver: cannot create run directory " + (p / "runs/ro-run").string() +
                         ": Read-only file system\n");
  REQUIRE(run.exit_code == 70);  // the driver cannot write its records (docs/driver.md)
}

TEST_CASE(
    "two tasks running one program keep apart their manifest entries, log lines and "
    "metrics rows",
    "[e2e][driver][seams]") {
  Project p;
  std::string data = "x,y\n";
  for (int i = 0; i < 40; ++i)
    data += std::to_string(i) + "," + std::to_string(2 * i + (i % 3)) + "\n";
  p.write("work/d.csv", data);
  auto train = [](const std::string& name, const std::string& alpha) {
    return "    {\"name\": \"" + name +
           "\", \"cmd\": [\"train\", \"--input\", \"d.csv\", \"--output\", \"" + name +
           ".json\", \"--target\", \"y\", \"--alpha\", \"" + alpha +
           "\"],\n     \"inputs\": [\"d.csv\"], \"outputs\": [\"" + name + ".json\"]}";
  };
  p.write_dag({train("train_weak", "0.1"), train("train_strong", "10")});
  test_util::ProcessResult run = p.driver({"--run-id", "two", "-j", "2"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  const boost::json::object tasks = seams_manifest(p, "two").at("tasks").as_object();
  REQUIRE(tasks.size() == 2);
  REQUIRE_FALSE(tasks.contains("train"));
  REQUIRE(tasks.at("train_weak").at("program").as_string() == "train");
  REQUIRE(tasks.at("train_weak").at("params").at("alpha").to_number<double>() == 0.1);
  REQUIRE(tasks.at("train_strong").at("program").as_string() == "train");
  REQUIRE(tasks.at("train_strong").at("params").at("alpha").to_number<double>() == 10);

  std::set<std::string> logged;
  for (const std::string& line : test_util::read_lines(p / "logs/train.log")) {
    boost::json::object record = boost::json::parse(line).as_object();
    REQUIRE(record.at("program").as_string() == "train");
    logged.insert(std::string(record.at("task").as_string()));
  }
  REQUIRE(logged == std::set<std::string>{"train_strong", "train_weak"});

  std::vector<std::string> rows = test_util::read_lines(p / "metrics/train.csv");
  REQUIRE(rows.size() == 3);
  REQUIRE(rows[0].rfind("run_id,ts,task,", 0) == 0);
  std::set<std::string> row_tasks;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::size_t first = rows[i].find(',');
    std::size_t second = rows[i].find(',', first + 1);
    std::size_t third = rows[i].find(',', second + 1);
    row_tasks.insert(rows[i].substr(second + 1, third - second - 1));
  }
  REQUIRE(row_tasks == std::set<std::string>{"train_strong", "train_weak"});
}

TEST_CASE(
    "an always_run task runs every time and what needs it is cut off when its output "
    "did not change",
    "[e2e][driver][seams]") {
  Project p;
  p.write_dag({shell_task("fetch", "echo fetch >> ../ran.log; echo same > raw.txt", {}, {"raw.txt"},
                          "\"always_run\": true"),
               shell_task("use", "echo use >> ../ran.log; cp raw.txt used.txt", {"raw.txt"},
                          {"used.txt"})});
  REQUIRE(p.driver({"-j", "1"}).exit_code == 0);
  test_util::ProcessResult status = p.driver({"status"});
  REQUIRE_THAT(status.out, Contains("fetch  will run: always_run\n"));
  REQUIRE(p.driver({"-j", "1"}).exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") ==
          std::vector<std::string>{"fetch", "use", "fetch"});
}

TEST_CASE(
    "the manifest records the packages and versions of the shared libraries loaded, and "
    "the serve binary save starts",
    "[e2e][driver][seams]") {
  Project p;
  p.write("work/d.csv", "x,y\n1,2\n2,4\n3,7\n4,8\n5,11\n6,12\n7,15\n8,16\n9,19\n10,20\n");
  p.write_dag(
      {"    {\"name\": \"fit\", \"cmd\": [\"train\", \"--input\", \"d.csv\", \"--output\", "
       "\"m.json\", \"--target\", \"y\"],\n     \"inputs\": [\"d.csv\"], \"outputs\": "
       "[\"m.json\"]}"});
  REQUIRE(p.driver({"--run-id", "env"}).exit_code == 0);
  const boost::json::object env = seams_manifest(p, "env").at("environment").as_object();
  const boost::json::array& train_libs =
      env.at("binaries").at("train").at("runtime_libraries").as_array();
  std::map<std::string, std::string> packages;  // file name -> package
  for (const boost::json::value& lib : train_libs) {
    std::string name = std::filesystem::path(std::string(lib.at("path").as_string())).filename();
    if (lib.at("package").is_string()) {
      packages[name] = std::string(lib.at("package").as_string());
      REQUIRE_FALSE(lib.at("version").as_string().empty());
    }
  }
  if (!std::filesystem::exists("/var/lib/dpkg/status")) {
    WARN("SKIPPED: no dpkg database here");
    return;
  }
  REQUIRE(packages.count("libc.so.6"));
  REQUIRE(packages["libc.so.6"].rfind("libc6", 0) == 0);
  REQUIRE(packages.count("libstdc++.so.6"));
  REQUIRE(packages.count("libcrypto.so.3"));
  REQUIRE(packages["libcrypto.so.3"].rfind("libssl3", 0) == 0);
  REQUIRE(env.at("runtime_libraries").as_array().size() > 0);  // the driver's own
}

TEST_CASE("a run with save records the sha256 of the serve binary it starts",
          "[e2e][driver][seams]") {
  Project p;
  // Only the record is under test: the task named save is never run (status only plans).
  p.write_dag(
      {"    {\"name\": \"save\", \"cmd\": [\"save\", \"--help\"],\n     \"inputs\": [], "
       "\"outputs\": [\"never.txt\"]}"});
  p.driver({"--run-id", "sv"});
  const boost::json::object binaries =
      seams_manifest(p, "sv").at("environment").at("binaries").as_object();
  REQUIRE(binaries.contains("serve"));
  REQUIRE(binaries.at("serve").at("sha256").is_string());
}
