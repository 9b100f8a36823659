// Transient faults (SPEC section 2) injected with PIPELINE_FAILPOINTS into every I/O step
// that has a failpoint: each step recovers within its retry budget (3 tries), logging each
// retry, and gives the same bytes as a run without faults; a step that keeps failing exits
// 75 with the right stderr and log lines and changes nothing in the workspace (save's
// history line undoes the deploy; after its marker, the deploy stands and only the marker
// is missing). Through the driver, a fault that outlasts both retry layers fails the run
// and the next run resumes.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>

#include "common/json_util.h"
#include "common/sha256.h"
#include "tests/e2e/reliability/fault_fixture.h"
#include "tests/e2e/reliability/reliability_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using reliability::clean_env;
using reliability::events;
using reliability::small_chain;
using reliability::snapshot;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;
using test_util::write_text;

namespace {

using Snapshot = std::map<std::string, std::string>;

struct FaultCase {
  std::string failpoint;  // also the retry step's name
  std::string program;
  std::vector<std::string> args;               // run in the case's directory
  std::vector<std::string> outputs;            // what the step writes, relative
  std::function<void(const fs::path&)> setup;  // inputs and the state before the step
  // After three failures: the error's message, from the third injected failure's (by
  // default that message itself).
  std::function<std::string(const std::string& injected)> final_error = {};
  // After three failures: what the workspace must hold, from what it held before (by
  // default nothing changed). Checks what it cannot predict byte for byte in `dir`.
  std::function<Snapshot(const fs::path& dir, Snapshot before)> after_failure = {};
};

void copy_over(const fs::path& from, const fs::path& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::vector<std::string> save_args() {
  return {"--input", "trained.pkl", "--output", "flask_api_running.txt", "--no-serve", "--approve"};
}

// Model a deployed, model b about to replace it.
void deployed_a_then_b(const fs::path& dir) {
  copy_over(small_chain().model_a, dir / "trained.pkl");
  std::vector<std::string> argv{test_util::bin("save").string()};
  for (const std::string& a : save_args()) argv.push_back(a);
  test_util::ProcessResult r = run_process(argv, dir, clean_env());
  REQUIRE(r.exit_code == 0);
  copy_over(small_chain().model_b, dir / "trained.pkl");
}

std::string sha_of(const fs::path& model) { return common::sha256_hex(read_text(model)); }

std::string model_entry(const fs::path& model) {
  return "deploy/models/" + sha_of(model) + ".json";
}

// save.history failing for good: the deploy of b is undone (current back at a, no line,
// no marker); only the content-addressed store keeps b.
std::string history_error(const std::string& injected) {
  return "the deploy of model " + sha_of(small_chain().model_b).substr(0, 12) +
         " could not be recorded in deploy/history.jsonl: " + injected +
         "; deploy/current points back at " + sha_of(small_chain().model_a).substr(0, 12);
}

Snapshot b_stored(const fs::path&, Snapshot before) {
  before[model_entry(small_chain().model_b)] = read_text(small_chain().model_b);
  return before;
}

// save.marker failing for good: the deploy of b stands (current and history agree), the
// previous marker is untouched.
Snapshot b_deployed(const fs::path& dir, Snapshot before) {
  std::string history = read_text(dir / "deploy" / "history.jsonl");
  const std::string& old = before["deploy/history.jsonl"];
  REQUIRE(history.substr(0, old.size()) == old);
  json::value line = common::parse_json(history.substr(old.size()), "history.jsonl");
  CHECK(line.at("run_id") == "fault-run");
  CHECK(line.at("action") == "deploy");
  CHECK(line.at("sha256") == json::value(sha_of(small_chain().model_b)));
  CHECK(line.at("previous_sha256") == json::value(sha_of(small_chain().model_a)));
  before["deploy/history.jsonl"] = history;
  before["deploy/current"] = "-> models/" + sha_of(small_chain().model_b) + ".json";
  return b_stored(dir, before);
}

void report_inputs(const fs::path& dir) {
  copy_over(small_chain().model_a, dir / "trained.pkl");
  copy_over(small_chain().clean_csv, dir / "clean.csv");
  write_text(dir / "report.md", "previous report\n");
  write_text(dir / "report_pred_vs_actual.svg", "previous chart\n");
  write_text(dir / "report_residuals.svg", "previous histogram\n");
}

void ingest_inputs(const fs::path& dir) {
  copy_over(small_chain().src_csv, dir / "src.csv");
  write_text(dir / "raw.csv", "previous raw\n");
}

const std::vector<std::string> kReportArgs = {"--input",   "trained.pkl", "--input",
                                              "clean.csv", "--output",    "report.md"};
const std::vector<std::string> kReportOutputs = {"report.md", "report_pred_vs_actual.svg",
                                                 "report_residuals.svg"};

std::vector<FaultCase> fault_cases() {
  return {
      {"ingest.read",
       "ingest",
       {"--input", "src.csv", "--output", "raw.csv"},
       {"raw.csv"},
       ingest_inputs},
      {"ingest.write",
       "ingest",
       {"--input", "src.csv", "--output", "raw.csv"},
       {"raw.csv"},
       ingest_inputs},
      // deploy/history.jsonl holds run ids and times: the no-change check covers it.
      {"save.deploy",
       "save",
       save_args(),
       {"flask_api_running.txt", "deploy/current"},
       deployed_a_then_b},
      {"save.history",
       "save",
       save_args(),
       {"flask_api_running.txt", "deploy/current"},
       deployed_a_then_b,
       history_error,
       b_stored},
      {"save.marker",
       "save",
       save_args(),
       {"flask_api_running.txt", "deploy/current"},
       deployed_a_then_b,
       {},
       b_deployed},
      {"report.read", "report", kReportArgs, kReportOutputs, report_inputs},
      {"report.write", "report", kReportArgs, kReportOutputs, report_inputs},
  };
}

test_util::ProcessResult run_case(const FaultCase& c, const fs::path& dir,
                                  const std::string& faults) {
  std::vector<std::string> argv{test_util::bin(c.program).string()};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  argv.insert(argv.end(), {"--run-id", "fault-run"});
  return run_process(argv, dir, clean_env({{"PIPELINE_FAILPOINTS", faults}}));
}

std::string injected(const std::string& failpoint, int k, int n) {
  return "failpoint " + failpoint + ": injected transient failure (" + std::to_string(k) + " of " +
         std::to_string(n) + ")";
}

std::string retry_message(const std::string& failpoint, int k, int n) {
  return failpoint + ": attempt " + std::to_string(k) +
         " failed, retrying: " + injected(failpoint, k, n);
}

// The records of the faulty run alone (save's setup runs save once before).
std::vector<json::object> run_events(const fs::path& log, const std::string& event) {
  std::vector<json::object> found;
  for (json::object& record : events(log, event)) {
    if (record.at("run_id") == "fault-run") found.push_back(std::move(record));
  }
  return found;
}

std::string file_or_link(const fs::path& path) {
  if (fs::is_symlink(path)) return "-> " + fs::read_symlink(path).string();
  return read_text(path);
}

}  // namespace

TEST_CASE("each I/O step recovers from two transient failures and logs each retry",
          "[reliability][faults]") {
  for (const FaultCase& c : fault_cases()) {
    INFO(c.failpoint);
    TempDir reference;
    c.setup(reference.path());
    REQUIRE(run_case(c, reference.path(), "").exit_code == 0);

    TempDir dir;
    c.setup(dir.path());
    test_util::ProcessResult r = run_case(c, dir.path(), c.failpoint + "=2");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const std::string& output : c.outputs) {
      INFO(output);
      CHECK(file_or_link(dir / output) == file_or_link(reference / output));
    }
    fs::path log = dir / "logs" / (c.program + ".log");
    std::vector<json::object> retries = run_events(log, "retry");
    REQUIRE(retries.size() == 2);
    for (int k = 1; k <= 2; ++k) {
      const json::object& retry = retries[static_cast<std::size_t>(k - 1)];
      CHECK(retry.at("level") == "warning");
      CHECK(retry.at("msg") == json::value(retry_message(c.failpoint, k, 2)));
      CHECK(retry.at("metrics").at("step") == json::value(c.failpoint));
      CHECK(retry.at("metrics").at("attempt") == k);
    }
    std::vector<json::object> ends = run_events(log, "end");
    REQUIRE(ends.size() == 1);
    CHECK(ends[0].at("status") == "ok");
    CHECK(reliability::temp_files(dir.path()).empty());
    if (fs::exists(reference / "deploy" / "history.jsonl")) {  // one line per deploy
      CHECK(test_util::read_lines(dir / "deploy" / "history.jsonl").size() ==
            test_util::read_lines(reference / "deploy" / "history.jsonl").size());
    }
  }
}

TEST_CASE("an I/O step failing three times exits 75, says so and changes nothing",
          "[reliability][faults]") {
  for (const FaultCase& c : fault_cases()) {
    INFO(c.failpoint);
    TempDir dir;
    c.setup(dir.path());
    Snapshot before = snapshot(dir.path());
    test_util::ProcessResult r = run_case(c, dir.path(), c.failpoint + "=3");
    std::string error =
        c.final_error ? c.final_error(injected(c.failpoint, 3, 3)) : injected(c.failpoint, 3, 3);
    CHECK(r.exit_code == 75);
    CHECK(r.err == c.program + ": " + retry_message(c.failpoint, 1, 3) + "\n" + c.program + ": " +
                       retry_message(c.failpoint, 2, 3) + "\n" + c.program + ": " + error + "\n");
    CHECK(snapshot(dir.path()) == (c.after_failure ? c.after_failure(dir.path(), before) : before));
    CHECK(reliability::temp_files(dir.path()).empty());

    fs::path log = dir / "logs" / (c.program + ".log");
    CHECK(run_events(log, "retry").size() == 2);
    std::vector<json::object> ends = run_events(log, "end");
    REQUIRE(ends.size() == 1);
    CHECK(ends[0].at("level") == "error");
    CHECK(ends[0].at("status") == "failed");
    CHECK(ends[0].at("msg") == json::value(error));
    CHECK(ends[0].at("metrics").at("exit_code") == 75);
    json::value manifest = common::read_json_file(dir / "runs" / "fault-run" / "manifest.json");
    const json::object& task = manifest.at("tasks").at(c.program).as_object();
    CHECK(task.at("status") == "failed");
    CHECK(task.at("exit_code") == 75);
  }
}

namespace {

test_util::ProcessResult save_with(const fs::path& dir, const std::vector<std::string>& args,
                                   const std::string& faults) {
  std::vector<std::string> argv{test_util::bin("save").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--run-id", "fault-run"});
  return run_process(argv, dir, clean_env({{"PIPELINE_FAILPOINTS", faults}}));
}

const std::vector<std::string> kRollbackArgs = {"--rollback", "--no-serve", "--output",
                                                "flask_api_running.txt"};

}  // namespace

TEST_CASE("a rollback whose history line cannot be written is undone, and two failures are retried",
          "[reliability][faults]") {
  std::string a = sha_of(small_chain().model_a);
  std::string b = sha_of(small_chain().model_b);
  TempDir dir;
  deployed_a_then_b(dir.path());
  REQUIRE(run_process({test_util::bin("save").string(), "--input", "trained.pkl", "--output",
                       "flask_api_running.txt", "--no-serve", "--approve"},
                      dir.path(), clean_env())
              .exit_code == 0);
  Snapshot before = snapshot(dir.path());
  test_util::ProcessResult failed = save_with(dir.path(), kRollbackArgs, "save.history=3");
  CHECK(failed.exit_code == 75);
  CHECK(reliability::last_line(failed.err) ==
        "save: the rollback to model " + a.substr(0, 12) +
            " could not be recorded in deploy/history.jsonl: " + injected("save.history", 3, 3) +
            "; deploy/current points back at " + b.substr(0, 12));
  CHECK(snapshot(dir.path()) == before);

  test_util::ProcessResult retried = save_with(dir.path(), kRollbackArgs, "save.history=2");
  INFO(retried.err);
  CHECK(retried.exit_code == 0);
  CHECK(run_events(dir / "logs" / "save.log", "retry").size() == 2 + 2);
  CHECK(fs::read_symlink(dir / "deploy" / "current") == fs::path("models") / (a + ".json"));
  std::vector<std::string> history = test_util::read_lines(dir / "deploy" / "history.jsonl");
  REQUIRE(history.size() == 4);  // ..., the rollback, and the pin it set (docs/deploy.md)
  json::value rollback = common::parse_json(history[2], "history.jsonl");
  CHECK(rollback.at("action") == "rollback");
  CHECK(rollback.at("sha256") == json::value(a));
  CHECK(rollback.at("previous_sha256") == json::value(b));
  CHECK(common::parse_json(history[3], "history.jsonl").at("action") == "pin");
}

TEST_CASE("save --stop retries removing the marker and keeps it when it cannot",
          "[reliability][faults]") {
  const std::vector<std::string> stop = {"--stop", "--output", "flask_api_running.txt"};
  TempDir dir;
  write_text(dir / "flask_api_running.txt", "previous marker\n");
  test_util::ProcessResult failed = save_with(dir.path(), stop, "save.marker=3");
  CHECK(failed.exit_code == 75);
  CHECK(failed.err == "save: " + retry_message("save.marker", 1, 3) +
                          "\nsave: " + retry_message("save.marker", 2, 3) +
                          "\nsave: " + injected("save.marker", 3, 3) + "\n");
  CHECK(read_text(dir / "flask_api_running.txt") == "previous marker\n");

  test_util::ProcessResult retried = save_with(dir.path(), stop, "save.marker=2");
  INFO(retried.err);
  CHECK(retried.exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "flask_api_running.txt"));
  CHECK(run_events(dir / "logs" / "save.log", "retry").size() == 2 + 2);
}

TEST_CASE("every task program honours its exit failpoint before touching its output",
          "[reliability][faults]") {
  struct ExitCase {
    std::string program;
    std::vector<std::string> args;
  };
  const std::vector<ExitCase> cases = {
      {"ingest", {"--input", "src.csv"}},
      {"clean", {"--input", "src.csv"}},
      {"train", {"--input", "clean.csv", "--target", "median_house_value"}},
      {"predict", {"--model", "trained.pkl", "--input", "clean.csv"}},
      {"save", {"--input", "trained.pkl", "--no-serve"}},
      {"report", {"--input", "trained.pkl", "--input", "clean.csv"}},
  };
  for (const ExitCase& c : cases) {
    for (const std::string& name : {c.program, std::string("task")}) {
      INFO(c.program << " with " << name << ".exit");
      TempDir dir;
      copy_over(small_chain().src_csv, dir / "src.csv");
      copy_over(small_chain().clean_csv, dir / "clean.csv");
      copy_over(small_chain().model_a, dir / "trained.pkl");
      write_text(dir / "out", "previous\n");
      std::vector<std::string> argv{test_util::bin(c.program).string()};
      argv.insert(argv.end(), c.args.begin(), c.args.end());
      argv.insert(argv.end(), {"--output", "out"});
      auto before = snapshot(dir.path());
      test_util::ProcessResult r =
          run_process(argv, dir.path(), clean_env({{"PIPELINE_FAILPOINTS", name + ".exit=74"}}));
      CHECK(r.exit_code == 74);
      CHECK(r.err == c.program + ": failpoint " + c.program + ".exit: exiting with 74\n");
      CHECK(snapshot(dir.path()) == before);
    }
  }
}

TEST_CASE(
    "through the driver a fault outlasting both retry layers fails the run and the next "
    "run resumes",
    "[reliability][faults][driver]") {
  reliability::Project project;
  REQUIRE(project.run().exit_code == 0);
  reliability::Outputs first = reliability::read_outputs(project.work());
  {
    std::ofstream raw(project / "data" / "raw.csv", std::ios::app);
    raw << "-120.00,36.00,20.0,1000.0,200.0,500.0,180.0,3.5,150000.0,INLAND\n";
  }
  // Every ingest process fails three times in itself, and the driver tries it three times.
  test_util::ProcessResult failed = test_util::run_process(
      project.driver_argv(), project.path(), clean_env({{"PIPELINE_FAILPOINTS", "ingest.read=3"}}));
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("FAILED: ingest (exit 75, attempt 3/3)\n") != std::string::npos);
  CHECK(failed.err.find("clean skipped: upstream failed: ingest") != std::string::npos);
  CHECK(reliability::read_outputs(project.work()) == first);
  CHECK(events(project / "logs" / "ingest.log", "retry").size() == 3 * 2);

  test_util::ProcessResult resumed = project.run();
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  reliability::Project fresh(read_text(project / "data" / "raw.csv"));
  REQUIRE(fresh.run().exit_code == 0);
  CHECK(reliability::read_outputs(project.work()) == reliability::read_outputs(fresh.work()));
}

namespace {

// ingest from a local HTTP server whose first `stalls` responses stop halfway. (A source
// that stalls every time ends like any exhausted read: exit 75, tested with failpoints
// above; each stall costs seconds, so only the recovery is tested here.)
test_util::ProcessResult ingest_stalling(const TempDir& dir, int stalls, std::string& url) {
  copy_over(small_chain().src_csv, dir / "src.csv");
  int port = test_util::free_port();
  url = "http://127.0.0.1:" + std::to_string(port) + "/src.csv";
  test_util::BackgroundProcess server(
      {"python3", test_util::source("tests/e2e/reliability/stall_server.py").string(),
       std::to_string(port), std::to_string(stalls), (dir / "src.csv").string()},
      dir.path());
  REQUIRE(test_util::wait_for_port(port, 20));
  return run_process({test_util::bin("ingest").string(), "--input", url, "--output", "raw.csv",
                      "--stall-timeout", "1"},
                     dir.path(), clean_env());
}

const std::string kStalled = ": stalled: no data for 1 s (--stall-timeout)";

}  // namespace

TEST_CASE("a download that stalls is abandoned after --stall-timeout and retried",
          "[reliability][faults][http]") {
  TempDir dir;
  std::string url;
  test_util::ProcessResult r = ingest_stalling(dir, 1, url);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "raw.csv") == read_text(dir / "src.csv"));
  std::vector<json::object> retries = events(dir / "logs" / "ingest.log", "retry");
  REQUIRE(retries.size() == 1);
  CHECK(retries[0].at("msg") ==
        json::value("ingest.read: attempt 1 failed, retrying: " + url + kStalled));
  // The issue asks for S + 1 s after the last byte (curl's LOW_SPEED_TIME took ~7 s for
  // S = 1). The logged time since ingest started bounds it; S + 3 s leaves room for a
  // loaded machine.
  CHECK(retries[0].at("duration_s").to_number<double>() < 1 + 3);
}
