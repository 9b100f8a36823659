#include "driver/up_to_date.h"

#include <catch2/catch.hpp>

#include "tests/unit/driver/fake_runner.h"

namespace fs = std::filesystem;

namespace {

// File hashes from a table; a path not in it does not exist.
class TableHasher : public driver::FileHasher {
 public:
  std::map<fs::path, std::string> files;
  std::optional<std::string> sha256(const fs::path& path) override {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
};

const std::string kA(64, 'a');
const std::string kB(64, 'b');
const std::string kC(64, 'c');

// clean: reads raw.csv, writes clean.csv, runs /bin/clean; its record matches the table.
struct Fixture {
  Fixture() {
    task.name = "clean";
    task.cmd = {"clean", "--input", "raw.csv", "--output", "clean.csv"};
    task.program = "/bin/clean";
    task.inputs = {"raw.csv"};
    task.input_files = {"/w/raw.csv"};
    task.outputs = {"clean.csv"};
    task.output_files = {"/w/clean.csv"};
    hasher.files = {{"/bin/clean", kC}, {"/w/raw.csv", kA}, {"/w/clean.csv", kB}};
    record.argv = task.cmd;
    record.program = "/bin/clean";
    record.program_sha256 = kC;
    record.inputs = {{"raw.csv", kA}};
    record.outputs = {{"clean.csv", kB}};
  }
  driver::Decision decide(bool forced = false, const std::string& upstream = "") {
    return driver::decide(task, record, "", forced, upstream, hasher);
  }
  driver::Task task;
  TableHasher hasher;
  driver::TaskRecord record;
};

}  // namespace

TEST_CASE("a task whose record matches is up to date", "[up_to_date]") {
  Fixture f;
  driver::Decision d = f.decide();
  REQUIRE_FALSE(d.run);
  REQUIRE(d.reason == "up to date");
}

TEST_CASE("a changed input says which and how", "[up_to_date]") {
  Fixture f;
  f.hasher.files["/w/raw.csv"] = kC;
  REQUIRE(f.decide().reason ==
          "input raw.csv changed (sha256 aaaaaaaa\u2026 \u2192 cccccccc\u2026)");
}

TEST_CASE("each reason to run is reported", "[up_to_date]") {
  SECTION("forced") {
    Fixture f;
    REQUIRE(f.decide(true).reason == "forced");
  }
  SECTION("no record") {
    Fixture f;
    REQUIRE(driver::decide(f.task, std::nullopt, "", false, "", f.hasher).reason ==
            "no previous successful run");
  }
  SECTION("command") {
    Fixture f;
    f.task.cmd.push_back("--strict");
    REQUIRE(f.decide().reason == "command changed");
  }
  SECTION("binary") {
    Fixture f;
    f.hasher.files["/bin/clean"] = kA;
    REQUIRE(f.decide().reason == "binary changed (sha256 cccccccc\u2026 \u2192 aaaaaaaa\u2026)");
  }
  SECTION("output missing") {
    Fixture f;
    f.hasher.files.erase("/w/clean.csv");
    REQUIRE(f.decide().reason == "output clean.csv missing");
  }
  SECTION("output edited") {
    Fixture f;
    f.hasher.files["/w/clean.csv"] = kA;
    REQUIRE(f.decide().reason ==
            "output clean.csv changed since the last run (sha256 bbbbbbbb\u2026 \u2192 "
            "aaaaaaaa\u2026)");
  }
  SECTION("input missing") {
    Fixture f;
    f.hasher.files.erase("/w/raw.csv");
    REQUIRE(f.decide().reason == "input raw.csv missing");
  }
  SECTION("input removed from the task") {
    Fixture f;
    f.record.inputs["old.csv"] = kA;
    REQUIRE(f.decide().reason == "input old.csv removed");
  }
}

TEST_CASE("upstream work makes a task wait for a second decision", "[up_to_date]") {
  Fixture f;
  driver::Decision d = f.decide(false, "ingest");
  REQUIRE(d.run);
  REQUIRE(d.waits_for_upstream);
  REQUIRE(d.reason == "upstream will run: ingest");
}

TEST_CASE("a definite reason wins over waiting for upstream", "[up_to_date]") {
  Fixture f;
  f.task.cmd.push_back("--strict");
  driver::Decision d = f.decide(false, "ingest");
  REQUIRE(d.reason == "command changed");
  REQUIRE_FALSE(d.waits_for_upstream);
}

TEST_CASE("a plan propagates upstream work to dependents", "[up_to_date]") {
  driver::Dag dag = driver_test::make_dag({{"a", {}}, {"b", {"a"}}, {"c", {}}});
  TableHasher hasher;
  hasher.files["/bin/true"] = kA;
  driver::StateLog state(fs::temp_directory_path() / "driver-plan-test-state-does-not-exist");
  std::vector<driver::Decision> plan =
      driver::plan_tasks(dag, {true, true, false}, {false, false, false}, state, hasher);
  REQUIRE(plan[0].reason == "no previous successful run");
  REQUIRE(plan[1].reason == "no previous successful run");
  REQUIRE_FALSE(plan[2].run);
  REQUIRE(plan[2].reason.empty());
}
