// End-to-end: the real driver binary running small shell tasks in temp projects.

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "common/json_util.h"
#include "common/sha256.h"
#include "tests/e2e/driver/driver_e2e_util.h"

using Catch::Matchers::Contains;
using Catch::Matchers::Matches;
using driver_e2e::Project;
using driver_e2e::shell_task;
namespace json = boost::json;

namespace {

// ingest -> clean -> train -> report (report also reads clean.csv); side is independent.
// Each task appends its name to ran.log in the project root.
void write_pipeline(Project& p) {
  p.write("data/raw.csv", "a,b\n1,2\n");
  p.write("data/side.txt", "side\n");
  p.write_dag(
      {shell_task("ingest", "cp ../data/raw.csv raw.csv && echo ingest >> ../ran.log",
                  {"../data/raw.csv"}, {"raw.csv"}),
       shell_task("clean", "tr a-z A-Z < raw.csv > clean.csv && echo clean >> ../ran.log",
                  {"raw.csv"}, {"clean.csv"}),
       shell_task("train", "wc -l < clean.csv > model.txt && echo train >> ../ran.log",
                  {"clean.csv"}, {"model.txt"}),
       shell_task("report", "cat model.txt clean.csv > report.md && echo report >> ../ran.log",
                  {"model.txt", "clean.csv"}, {"report.md"}),
       shell_task("side", "cp ../data/side.txt side.out && echo side >> ../ran.log",
                  {"../data/side.txt"}, {"side.out"})});
}

json::object manifest_of(const Project& p, const std::string& run_id) {
  return common::read_json_file(p / ("runs/" + run_id + "/manifest.json")).as_object();
}

std::string short_sha(const std::string& text) {
  return common::sha256_hex(text).substr(0, 8) + "\u2026";
}

}  // namespace

TEST_CASE("a first run runs every task and a second run runs nothing", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  test_util::ProcessResult first = p.driver({"-j", "2"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(p.read("work/report.md") == "2\nA,B\n1,2\n");
  REQUIRE(test_util::read_lines(p / "ran.log").size() == 5);
  REQUIRE_THAT(first.err, Contains("[5/5]"));

  test_util::ProcessResult second = p.driver({});
  REQUIRE(second.exit_code == 0);
  REQUIRE(second.err == "driver: nothing to do: all 5 tasks are up to date\n");
  REQUIRE(test_util::read_lines(p / "ran.log").size() == 5);
}

TEST_CASE("a changed input reruns exactly the tasks it affects", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  REQUIRE(p.driver({}).exit_code == 0);
  std::string before = p.read("data/raw.csv");
  p.write("data/raw.csv", "a,b\n1,2\n3,4\n");
  test_util::ProcessResult plan = p.driver({"run", "--dry-run"});
  REQUIRE(plan.exit_code == 0);
  REQUIRE(plan.out == "ingest  will run: input ../data/raw.csv changed (sha256 " +
                          short_sha(before) + " \u2192 " + short_sha("a,b\n1,2\n3,4\n") +
                          ")\n"
                          "clean   will run: upstream will run: ingest\n"
                          "train   will run: upstream will run: clean\n"
                          "report  will run: upstream will run: clean\n"
                          "side    up to date\n"
                          "up to 4 of 5 tasks will run\n");
  p.write("ran.log", "");
  REQUIRE(p.driver({"-j", "1"}).exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") ==
          std::vector<std::string>{"ingest", "clean", "train", "report"});
}

TEST_CASE("a task whose input came out identical is not rerun", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  REQUIRE(p.driver({}).exit_code == 0);
  p.write("data/raw.csv", "A,B\n1,2\n");  // clean upper-cases: clean.csv does not change
  p.write("ran.log", "");
  test_util::ProcessResult run = p.driver({"-j", "1"});
  REQUIRE(run.exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") == std::vector<std::string>{"ingest", "clean"});
  REQUIRE_THAT(run.err, Contains("[4/5] train up to date"));
}

TEST_CASE("a task failing twice with exit 75 passes on its third attempt", "[e2e][driver]") {
  Project p;
  p.write_dag(
      {shell_task("flaky",
                  "n=$(cat ../count 2>/dev/null || echo 0); n=$((n+1)); echo $n > ../count; "
                  "if [ $n -lt 3 ]; then echo \"attempt $n: service not ready\" >&2; exit 75; fi; "
                  "echo ok > out.txt",
                  {}, {"out.txt"}, "\"retry\": {\"n_tries\": 3, \"delay_s\": 0.01}")});
  test_util::ProcessResult run = p.driver({"--run-id", "r1"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(p.read("count") == "3\n");
  REQUIRE(driver_e2e::lines_starting(run.err, "[1/1] flaky") ==
          std::vector<std::string>{"[1/1] flaky started",
                                   "[1/1] flaky exit 75, retrying in 0.01s (attempt 1/3)",
                                   "[1/1] flaky attempt 2/3 started",
                                   "[1/1] flaky exit 75, retrying in 0.02s (attempt 2/3)",
                                   "[1/1] flaky attempt 3/3 started",
                                   driver_e2e::lines_starting(run.err, "[1/1] flaky ok")[0]});
  REQUIRE_THAT(driver_e2e::lines_starting(run.err, "[1/1] flaky ok")[0],
               Matches(R"(\[1/1\] flaky ok \d+\.\d\ds \(attempt 3\))"));
  REQUIRE(p.read("logs/flaky.attempt-1.out") == "attempt 1: service not ready\n");
  REQUIRE(p.read("logs/flaky.attempt-2.out") == "attempt 2: service not ready\n");
  json::object task = manifest_of(p, "r1").at("tasks").at("flaky").as_object();
  REQUIRE(task.at("status").as_string() == "ok");
  REQUIRE(task.at("attempts").as_int64() == 3);
  REQUIRE(task.at("attempt_details").as_array()[0].at("exit_code").as_int64() == 75);
}

TEST_CASE("a data error is not retried, its downstream is skipped and --keep-going runs the rest",
          "[e2e][driver]") {
  Project p;
  p.write("data/side.txt", "side\n");
  p.write_dag(
      {shell_task("clean",
                  "echo $((`cat ../tries 2>/dev/null || echo 0` + 1)) > ../tries; "
                  "echo 'clean: raw.csv:3: expected 2 fields, found 3' >&2; exit 65",
                  {}, {"clean.csv"}, "\"retry\": {\"n_tries\": 3, \"delay_s\": 0.01}"),
       shell_task("train", "cp clean.csv model.txt", {"clean.csv"}, {"model.txt"}),
       shell_task("side", "cp ../data/side.txt side.out", {"../data/side.txt"}, {"side.out"})});
  test_util::ProcessResult run = p.driver({"--keep-going", "-j", "1", "--run-id", "r65"});
  REQUIRE(run.exit_code == 1);
  REQUIRE(p.read("tries") == "1\n");
  REQUIRE_THAT(run.err, Contains("FAILED: clean (exit 65, attempt 1/3)\n"
                                 "clean: raw.csv:3: expected 2 fields, found 3\n"));
  REQUIRE(driver_e2e::lines_starting(run.err, "train ") ==
          std::vector<std::string>{"train  skipped  -         -      upstream failed: clean"});
  REQUIRE_THAT(driver_e2e::lines_starting(run.err, "side ")[0],
               Matches(R"(side   ok       1 .*no previous successful run)"));
  REQUIRE(p.exists("work/side.out"));
  json::object manifest = manifest_of(p, "r65");
  REQUIRE(manifest.at("status").as_string() == "failed");
  REQUIRE(manifest.at("tasks").at("train").at("status").as_string() == "skipped");
  REQUIRE(manifest.at("tasks").at("clean").at("exit_code").as_int64() == 65);
}

TEST_CASE("without --keep-going nothing new starts after a failure", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task("clean", "exit 65", {}, {"clean.csv"}),
               shell_task("side", "touch side.out", {}, {"side.out"})});
  test_util::ProcessResult run = p.driver({"-j", "1"});
  REQUIRE(run.exit_code == 1);
  REQUIRE_FALSE(p.exists("work/side.out"));
  REQUIRE_THAT(run.err, Contains("[2/2] side not run: not started: clean failed\n"));
}

TEST_CASE("a task that exits 0 without its output has failed", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task("lazy", "echo done", {}, {"out.txt"})});
  test_util::ProcessResult run = p.driver({});
  REQUIRE(run.exit_code == 1);
  REQUIRE_THAT(run.err,
               Contains("FAILED: lazy (exit 0 but output out.txt missing, attempt 1/1)\ndone\n"));
}

TEST_CASE("a rerun after a failure resumes from the failed task", "[e2e][driver]") {
  Project p;
  p.write_dag(
      {shell_task("first", "echo first >> ../ran.log; echo 1 > one.txt", {}, {"one.txt"}),
       shell_task("second",
                  "test -f ../fixed || exit 1; echo second >> ../ran.log; cp one.txt two.txt",
                  {"one.txt"}, {"two.txt"})});
  REQUIRE(p.driver({}).exit_code == 1);
  p.write("fixed", "");
  test_util::ProcessResult rerun = p.driver({});
  REQUIRE(rerun.exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") == std::vector<std::string>{"first", "second"});
  REQUIRE_THAT(rerun.err, Contains("[1/2] first up to date\n"));
}

TEST_CASE("tasks get the run id and absolute log, metrics and runs directories", "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task(
      "env",
      "echo \"$PIPELINE_RUN_ID $PIPELINE_LOG_DIR $PIPELINE_METRICS_DIR $PIPELINE_RUNS_DIR "
      "$PIPELINE_TASK $PIPELINE_ATTEMPT\" > env.txt",
      {}, {"env.txt"})});
  REQUIRE(p.driver({"--run-id", "e1"}).exit_code == 0);
  std::string root = p.path().string();
  REQUIRE(p.read("work/env.txt") ==
          "e1 " + root + "/logs " + root + "/metrics " + root + "/runs env 1\n");
}

TEST_CASE("every run leaves a manifest, a driver log and a metrics row per task", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  REQUIRE(p.driver({"--run-id", "m1"}).exit_code == 0);
  REQUIRE(p.driver({"--run-id", "m2"}).exit_code == 0);
  json::object manifest = manifest_of(p, "m1");
  REQUIRE(manifest.at("status").as_string() == "ok");
  REQUIRE(manifest.at("dag").at("sha256").as_string() == common::sha256_hex(p.read("dag.json")));
  REQUIRE(manifest.at("environment").at("binaries").at("driver").at("sha256").as_string().size() ==
          64);
  REQUIRE(manifest.at("environment").at("binaries").at("sh").at("sha256").as_string().size() == 64);
  json::object train = manifest.at("tasks").at("train").as_object();
  REQUIRE(train.at("outputs").as_array()[0].at("sha256").as_string() ==
          common::sha256_hex(p.read("work/model.txt")));
  REQUIRE(train.at("attempt_details").as_array()[0].at("max_rss_kb").as_int64() > 0);
  REQUIRE(manifest_of(p, "m2").at("tasks").at("train").at("status").as_string() == "up_to_date");

  std::vector<std::string> rows = test_util::read_lines(p / "metrics/driver.csv");
  REQUIRE(rows.size() == 11);
  REQUIRE(rows[0] ==
          "run_id,ts,task,status,attempts,exit_code,signal,duration_s,cpu_s,max_rss_kb,reason");
  REQUIRE_THAT(rows[10], Matches(R"(m2,[0-9T:.Z-]+,side,up_to_date,0,,,0,0,0,up to date)"));
  for (const std::string& line : test_util::read_lines(p / "logs/driver.log")) {
    REQUIRE(json::parse(line).as_object().at("task").as_string() == "driver");
  }
  REQUIRE_THAT(p.read("logs/driver.log"), Contains("\"event\":\"attempt_end\""));
}

TEST_CASE("driver verify reports what changed since a run", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  REQUIRE(p.driver({"--run-id", "v1"}).exit_code == 0);
  test_util::ProcessResult clean = p.driver({"verify", "v1"});
  REQUIRE(clean.exit_code == 0);
  REQUIRE_THAT(clean.out, Contains("run v1: 8 files checked, 0 changed, 0 missing\n"));

  std::string model = p.read("work/model.txt");
  p.write("work/model.txt", "tampered\n");
  std::filesystem::remove(p / "work/report.md");
  test_util::ProcessResult changed = p.driver({"verify", "v1"});
  REQUIRE(changed.exit_code == 1);
  REQUIRE_THAT(changed.out,
               Contains("changed  model.txt (output of train, input of report): sha256 " +
                        short_sha(model) + " \u2192 " + short_sha("tampered\n") + "\n"));
  REQUIRE_THAT(changed.out, Contains("missing  report.md (output of report)\n"));
  REQUIRE_THAT(changed.out, Contains("run v1: 8 files checked, 1 changed, 1 missing\n"));
}

TEST_CASE("driver verify of an unknown run is a usage error", "[e2e][driver]") {
  Project p;
  test_util::ProcessResult run = p.driver({"verify", "nope"});
  REQUIRE(run.exit_code == 2);
  REQUIRE(run.err ==
          "driver: no run nope: " + (p / "runs/nope/manifest.json").string() + " does not exist\n");
}

TEST_CASE("selection runs a task with what it needs, or a range", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  REQUIRE(p.driver({"run", "train", "-j", "1"}).exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") ==
          std::vector<std::string>{"ingest", "clean", "train"});
  p.write("ran.log", "");
  REQUIRE(p.driver({"--from", "clean", "--until", "train", "--force", "-j", "1"}).exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") == std::vector<std::string>{"clean", "train"});
  test_util::ProcessResult status = p.driver({"status"});
  REQUIRE(
      status.out ==
      "ingest  up to date\nclean   up to date\ntrain   up to date\n"
      "report  will run: no previous successful run\nside    will run: no previous successful run\n"
      "2 of 5 tasks will run\n");
}

TEST_CASE("forcing a named task reruns that task alone", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  REQUIRE(p.driver({}).exit_code == 0);
  p.write("ran.log", "");
  test_util::ProcessResult plan = p.driver({"run", "clean", "--force", "--dry-run"});
  REQUIRE(plan.out == "ingest  up to date\nclean   will run: forced\n1 of 2 tasks will run\n");
  REQUIRE(p.driver({"run", "clean", "--force"}).exit_code == 0);
  REQUIRE(test_util::read_lines(p / "ran.log") == std::vector<std::string>{"clean"});
}

TEST_CASE("an unknown task on the command line gets a suggestion", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  test_util::ProcessResult run = p.driver({"run", "trian"});
  REQUIRE(run.exit_code == 2);
  REQUIRE(run.err == "driver: unknown task 'trian', did you mean 'train'?\n");
}

TEST_CASE("the graph prints as dot or mermaid", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  test_util::ProcessResult dot = p.driver({"graph"});
  REQUIRE(dot.exit_code == 0);
  REQUIRE_THAT(dot.out, Contains("  \"clean\" -> \"train\" [label=\"clean.csv\"];\n"));
  test_util::ProcessResult mermaid = p.driver({"graph", "--format", "mermaid"});
  REQUIRE_THAT(mermaid.out, Contains("  train -->|\"model.txt\"| report\n"));
}

TEST_CASE("driver validate checks the dag and runs nothing", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  test_util::ProcessResult run = p.driver({"validate"});
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.out == "dag.json: ok (5 tasks, 4 dependencies)\n");
  REQUIRE_FALSE(p.exists("ran.log"));
  REQUIRE_FALSE(p.exists("logs"));
}

TEST_CASE("on a terminal the driver draws a status line and colors, unless NO_COLOR",
          "[e2e][driver]") {
  Project p;
  p.write_dag({shell_task("a", "touch out.txt", {}, {"out.txt"})});
  std::string command = "'" + test_util::bin("driver").string() + "' --force";
  test_util::EnvVars env{{"TERM", "xterm"}, {"NO_COLOR", ""}, {"PIPELINE_RUN_ID", ""}};
  test_util::ProcessResult colored =
      test_util::run_process({"script", "-qec", command, "/dev/null"}, p.path(), env);
  REQUIRE(colored.exit_code == 0);
  REQUIRE_THAT(colored.out, Contains("\r\x1b[K[0/1 done] running: a"));
  REQUIRE_THAT(colored.out, Contains("[1/1] a \x1b[32mok\x1b[0m"));
  env[1].second = "1";
  test_util::ProcessResult plain =
      test_util::run_process({"script", "-qec", command, "/dev/null"}, p.path(), env);
  REQUIRE(plain.exit_code == 0);
  REQUIRE_THAT(plain.out, Contains("[1/1] a ok"));
  REQUIRE(plain.out.find("\x1b[32m") == std::string::npos);
}

TEST_CASE("a plan for one task speaks of it in the singular", "[e2e][driver]") {
  Project p;
  write_pipeline(p);
  test_util::ProcessResult before = p.driver({"status", "ingest"});
  REQUIRE(before.out == "ingest  will run: no previous successful run\n1 of 1 task will run\n");
  REQUIRE(p.driver({}).exit_code == 0);
  test_util::ProcessResult after = p.driver({"status", "ingest"});
  REQUIRE(after.out == "ingest  up to date\nthe 1 task up to date\n");

  Project single;
  single.write_dag({R"({"name": "only", "cmd": ["true"]})"});
  REQUIRE(single.driver({"validate"}).out == "dag.json: ok (1 task, 0 dependencies)\n");
}
