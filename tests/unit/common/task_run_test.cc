#include "common/task_run.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/failpoint.h"
#include "common/json_util.h"
#include "common/manifest.h"
#include "common/read_file.h"
#include "common/sha256.h"
#include "tests/support/test_util.h"
#include "tests/unit/common/scoped_env.h"

namespace json = boost::json;
namespace fs = std::filesystem;
using common::TaskContext;
using common::TaskReport;
using test_util::TempDir;

namespace {

common::ProgramInfo fake_info() {
  common::ProgramInfo info;
  info.name = "fake";
  info.summary = "a task for tests";
  info.usage = "fake --input IN --output OUT";
  info.example = "fake --input in.txt --output out.txt";
  return info;
}

// A workspace with one input, and the argv of a fake task run in it.
struct Workspace {
  TempDir dir;
  ScopedEnv env{{"PIPELINE_RUN_ID", nullptr},
                {"PIPELINE_LOG_DIR", nullptr},
                {"PIPELINE_METRICS_DIR", nullptr},
                {"PIPELINE_RUNS_DIR", nullptr},
                {"PIPELINE_FAILPOINTS", nullptr}};
  Workspace() {
    common::reset_failpoints();
    test_util::write_text(dir / "in.txt", "input data\n");
  }
  ~Workspace() { common::reset_failpoints(); }

  std::vector<std::string> argv(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"fake",
                                     "--input",
                                     (dir / "in.txt").string(),
                                     "--output",
                                     (dir / "out.txt").string(),
                                     "--run-id",
                                     "run-1",
                                     "--log-dir",
                                     (dir / "logs").string(),
                                     "--metrics-dir",
                                     (dir / "metrics").string(),
                                     "--runs-dir",
                                     (dir / "runs").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  json::object manifest() const {
    return common::read_json_file(dir / "runs" / "run-1" / "manifest.json").as_object();
  }
  std::vector<json::object> log_records() const {
    std::vector<json::object> records;
    for (const std::string& line : test_util::read_lines(dir / "logs" / "fake.log")) {
      records.push_back(json::parse(line).as_object());
    }
    return records;
  }
};

struct Outcome {
  int exit_code;
  std::string err;
};

Outcome run(const std::vector<std::string>& args, const common::TaskBody& body) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream err;
  std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
  int code =
      common::run_task(fake_info(), static_cast<int>(argv.size()), argv.data(), nullptr, body);
  std::cerr.rdbuf(old);
  return {code, err.str()};
}

// A body that copies its input to its output and reports like a real task.
TaskReport copy_body(TaskContext& ctx) {
  const common::CommonOptions& o = ctx.options();
  std::string content = common::read_file(o.inputs.at(0));
  common::write_file_atomically(o.output, content + "processed\n");
  ctx.log().info("rows", "copied", json::object{{"rows", 1}});
  TaskReport report;
  report.inputs = o.inputs;
  report.outputs = {o.output};
  report.params = json::object{{"mode", "copy"}};
  report.metrics = json::object{{"rows", 1}};
  report.metric_columns = {"rows", "bytes"};
  report.metric_values = {"1", std::to_string(content.size())};
  report.summary = "copied 1 row";
  return report;
}

}  // namespace

TEST_CASE("a successful task writes start and end events", "[task_run]") {
  Workspace ws;
  Outcome outcome = run(ws.argv(), copy_body);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.err == "fake: copied 1 row\n");
  std::vector<json::object> records = ws.log_records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].at("event") == "start");
  std::string joined;
  for (const std::string& a : ws.argv()) joined += (joined.empty() ? "" : " ") + a;
  CHECK(records[0].at("msg") == ("started: " + joined).c_str());
  CHECK(records[0].at("run_id") == "run-1");
  CHECK(records[1].at("event") == "rows");
  CHECK(records[2].at("event") == "end");
  CHECK(records[2].at("status") == "ok");
  CHECK(records[2].at("msg") == "copied 1 row");
  CHECK(records[2].at("metrics") == json::object{{"rows", 1}});
  CHECK(records[2].at("output_paths") == json::array{(ws.dir / "out.txt").string()});
}

TEST_CASE("a successful task appends its metrics row", "[task_run]") {
  Workspace ws;
  REQUIRE(run(ws.argv(), copy_body).exit_code == 0);
  REQUIRE(run(ws.argv(), copy_body).exit_code == 0);
  std::vector<std::string> lines = test_util::read_lines(ws.dir / "metrics" / "fake.csv");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "run_id,ts,task,rows,bytes");
  CHECK(lines[1].starts_with("run-1,"));
  CHECK(lines[1].ends_with(",fake,1,11"));
}

TEST_CASE("a successful task records its entry with hashed files in the manifest", "[task_run]") {
  Workspace ws;
  REQUIRE(run(ws.argv(), copy_body).exit_code == 0);
  json::object doc = ws.manifest();
  CHECK(doc.at("format") == "pipeline-run-manifest");
  CHECK(doc.at("run_id") == "run-1");
  CHECK(doc.at("status") == "ok");
  CHECK(doc.at("environment").at("binaries").at("fake").at("sha256") ==
        common::sha256_file(common::self_executable()).c_str());
  const json::object& entry = doc.at("tasks").at("fake").as_object();
  CHECK(entry.at("status") == "ok");
  CHECK(entry.at("exit_code") == 0);
  CHECK(entry.at("attempts") == 1);
  CHECK(entry.at("argv") == json::value_from(ws.argv()));
  CHECK(entry.at("params") == json::object{{"mode", "copy"}});
  CHECK(entry.at("inputs") ==
        json::array{json::object{{"path", (ws.dir / "in.txt").string()},
                                 {"bytes", 11},
                                 {"sha256", common::sha256_hex("input data\n")}}});
  CHECK(entry.at("outputs") ==
        json::array{json::object{{"path", (ws.dir / "out.txt").string()},
                                 {"bytes", 21},
                                 {"sha256", common::sha256_hex("input data\nprocessed\n")}}});
  CHECK_FALSE(entry.contains("error"));
}

TEST_CASE("a body that throws DataError is recorded as failed and exits 65", "[task_run]") {
  Workspace ws;
  Outcome outcome = run(ws.argv(), [](TaskContext&) -> TaskReport {
    throw common::DataError("in.txt:3: expected 10 fields, found 11");
  });
  CHECK(outcome.exit_code == 65);
  CHECK(outcome.err == "fake: in.txt:3: expected 10 fields, found 11\n");
  std::vector<json::object> records = ws.log_records();
  REQUIRE(records.size() == 2);
  CHECK(records[1].at("event") == "end");
  CHECK(records[1].at("level") == "error");
  CHECK(records[1].at("status") == "failed");
  CHECK(records[1].at("msg") == "in.txt:3: expected 10 fields, found 11");
  CHECK(records[1].at("metrics") == json::object{{"exit_code", 65}});
  json::object doc = ws.manifest();
  CHECK(doc.at("status") == "failed");
  const json::object& entry = doc.at("tasks").at("fake").as_object();
  CHECK(entry.at("status") == "failed");
  CHECK(entry.at("exit_code") == 65);
  CHECK(entry.at("error") == "in.txt:3: expected 10 fields, found 11");
  CHECK_FALSE(fs::exists(ws.dir / "metrics" / "fake.csv"));
}

TEST_CASE("a body that throws something else is recorded as failed and exits 70", "[task_run]") {
  Workspace ws;
  Outcome outcome = run(ws.argv(), [](TaskContext&) -> TaskReport {
    throw std::runtime_error("vector::at out of range");
  });
  CHECK(outcome.exit_code == 70);
  CHECK(outcome.err == "fake: internal error: vector::at out of range\n");
  CHECK(ws.log_records().back().at("status") == "failed");
  json::object doc = ws.manifest();
  const json::object& entry = doc.at("tasks").at("fake").as_object();
  CHECK(entry.at("status") == "failed");
  CHECK(entry.at("exit_code") == 70);
  CHECK(entry.at("error") == "internal error: vector::at out of range");
}

TEST_CASE("a failure after the body is still recorded as failed", "[task_run]") {
  Workspace ws;
  // A metrics file from another version of the task makes the metrics row fail.
  test_util::write_text(ws.dir / "metrics" / "fake.csv", "run_id,ts,other\n");
  Outcome outcome = run(ws.argv(), copy_body);
  CHECK(outcome.exit_code == 65);
  std::string path = (ws.dir / "metrics" / "fake.csv").string();
  std::string message =
      path +
      ":1: header differs from this version's columns (run_id,ts,task,rows,bytes); "
      "move the file aside to start a new one";
  CHECK(outcome.err == "fake: " + message + "\n");
  CHECK(ws.log_records().back().at("status") == "failed");
  json::object doc = ws.manifest();
  const json::object& entry = doc.at("tasks").at("fake").as_object();
  CHECK(entry.at("status") == "failed");
  CHECK(entry.at("error") == message.c_str());
}

TEST_CASE("an exit failpoint exits with its code before the body runs", "[task_run]") {
  Workspace ws;
  ScopedEnv failpoints{{"PIPELINE_FAILPOINTS", "fake.exit=3"}};
  common::reset_failpoints();
  bool ran = false;
  Outcome outcome = run(ws.argv(), [&](TaskContext& ctx) {
    ran = true;
    return copy_body(ctx);
  });
  CHECK(outcome.exit_code == 3);
  CHECK(outcome.err == "fake: failpoint fake.exit: exiting with 3\n");
  CHECK_FALSE(ran);
  json::object doc = ws.manifest();
  const json::object& entry = doc.at("tasks").at("fake").as_object();
  CHECK(entry.at("status") == "failed");
  CHECK(entry.at("exit_code") == 3);
}

TEST_CASE("retries inside a task are logged as warnings", "[task_run]") {
  Workspace ws;
  ScopedEnv failpoints{{"PIPELINE_FAILPOINTS", "ingest.read=1"}};
  common::reset_failpoints();
  Outcome outcome = run(ws.argv(), [](TaskContext& ctx) {
    ctx.with_retry("read", [] { common::failpoint("ingest.read"); });
    return copy_body(ctx);
  });
  CHECK(outcome.exit_code == 0);
  std::string message =
      "read: attempt 1 failed, retrying: failpoint ingest.read: injected transient failure (1 of "
      "1)";
  CHECK(outcome.err == "fake: " + message + "\nfake: copied 1 row\n");
  std::vector<json::object> records = ws.log_records();
  REQUIRE(records.size() == 4);
  CHECK(records[1].at("event") == "retry");
  CHECK(records[1].at("level") == "warning");
  CHECK(records[1].at("msg") == message.c_str());
  CHECK(records[1].at("metrics").at("attempt") == 1);
}

TEST_CASE("stale temp files beside the output are removed and logged", "[task_run]") {
  Workspace ws;
  test_util::write_text(ws.dir / ".out.txt.tmp-999999999-0", "partial");
  REQUIRE(run(ws.argv(), copy_body).exit_code == 0);
  CHECK_FALSE(fs::exists(ws.dir / ".out.txt.tmp-999999999-0"));
  std::vector<json::object> records = ws.log_records();
  REQUIRE(records.size() == 4);
  CHECK(records[1].at("event") == "cleanup");
  CHECK(records[1].at("msg") ==
        ("removed 1 stale temp file(s) beside " + (ws.dir / "out.txt").string()).c_str());
}

TEST_CASE("the help flag prints help, exits 0 and writes nothing", "[task_run]") {
  Workspace ws;
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  Outcome outcome = run(ws.argv({"--help"}), copy_body);
  std::cout.rdbuf(old);
  CHECK(outcome.exit_code == 0);
  CHECK(out.str().starts_with("fake - a task for tests\n"));
  CHECK_FALSE(fs::exists(ws.dir / "logs"));
  CHECK_FALSE(fs::exists(ws.dir / "runs"));
}

TEST_CASE("a bad flag exits 64 with the usage message and writes nothing", "[task_run]") {
  Workspace ws;
  Outcome outcome = run(ws.argv({"--bogus"}), copy_body);
  CHECK(outcome.exit_code == 64);
  CHECK(outcome.err == "fake: unrecognised option '--bogus' (see fake --help)\n");
  CHECK_FALSE(fs::exists(ws.dir / "logs"));
}

TEST_CASE("the task's own options are added before parsing", "[task_run]") {
  Workspace ws;
  std::vector<std::string> args = ws.argv({"--seed", "7"});
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  int seed = 0;
  std::ostringstream err;
  std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
  int code = common::run_task(
      fake_info(), static_cast<int>(argv.size()), argv.data(),
      [](boost::program_options::options_description& o) {
        o.add_options()("seed", boost::program_options::value<int>(), "random seed");
      },
      [&](TaskContext& ctx) {
        seed = ctx.cli().values()["seed"].as<int>();
        return copy_body(ctx);
      });
  std::cerr.rdbuf(old);
  CHECK(code == 0);
  CHECK(seed == 7);
}

TEST_CASE("two tasks of one run share its manifest", "[task_run]") {
  Workspace ws;
  REQUIRE(run(ws.argv(), copy_body).exit_code == 0);
  std::vector<std::string> args = ws.argv();
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  common::ProgramInfo other = fake_info();
  other.name = "other";
  std::ostringstream err;
  std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
  int code = common::run_task(other, static_cast<int>(argv.size()), argv.data(), nullptr,
                              [](TaskContext&) -> TaskReport { throw common::IoError("disk", 5); });
  std::cerr.rdbuf(old);
  CHECK(code == 74);
  json::object doc = ws.manifest();
  CHECK(doc.at("tasks").at("fake").at("status") == "ok");
  CHECK(doc.at("tasks").at("other").at("status") == "failed");
  CHECK(doc.at("status") == "failed");
}
