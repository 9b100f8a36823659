#include "driver/task_state.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/test_util.h"

namespace {

driver::TaskRecord record(const std::string& run_id) {
  driver::TaskRecord r;
  r.argv = {"clean", "--input", "raw.csv"};
  r.program = "/bin/clean";
  r.program_sha256 = std::string(64, 'c');
  r.inputs = {{"raw.csv", std::string(64, 'a')}};
  r.outputs = {{"clean.csv", std::string(64, 'b')}};
  r.run_id = run_id;
  return r;
}

}  // namespace

TEST_CASE("a task record reads back as written, the latest winning", "[state]") {
  test_util::TempDir dir;
  {
    driver::StateLog log(dir.path());
    log.append("clean", record("r1"));
    log.append("clean", record("r2"));
  }
  driver::StateLog log(dir.path());
  std::string problem;
  std::optional<driver::TaskRecord> back = log.find("clean", &problem);
  REQUIRE(back);
  REQUIRE(back->run_id == "r2");
  REQUIRE(back->argv == record("r2").argv);
  REQUIRE(back->inputs == record("r2").inputs);
  REQUIRE(back->outputs == record("r2").outputs);
  REQUIRE(test_util::read_lines(dir / "tasks.jsonl").size() == 3);
}

TEST_CASE("no log is no problem", "[state]") {
  test_util::TempDir dir;
  std::string problem;
  REQUIRE_FALSE(driver::StateLog(dir.path()).find("clean", &problem));
  REQUIRE(problem.empty());
}

TEST_CASE("a torn last line is skipped", "[state]") {
  test_util::TempDir dir;
  { driver::StateLog(dir.path()).append("clean", record("r1")); }
  std::string text = test_util::read_text(dir / "tasks.jsonl");
  test_util::write_text(dir / "tasks.jsonl", text + "{\"task\": \"train\", \"ar");
  driver::StateLog log(dir.path());
  REQUIRE(log.find("clean", nullptr));
  REQUIRE_FALSE(log.find("train", nullptr));
}

TEST_CASE("a record appended after a torn last line is kept on its own line", "[state]") {
  test_util::TempDir dir;
  { driver::StateLog(dir.path()).append("clean", record("r1")); }
  std::string text = test_util::read_text(dir / "tasks.jsonl");
  test_util::write_text(dir / "tasks.jsonl", text + "{\"task\": \"train\", \"ar");
  { driver::StateLog(dir.path()).append("train", record("r2")); }
  driver::StateLog log(dir.path());
  REQUIRE(log.find("clean", nullptr));
  std::optional<driver::TaskRecord> train = log.find("train", nullptr);
  REQUIRE(train);
  CHECK(train->run_id == "r2");
}

TEST_CASE("a corrupt log is reported and started again", "[state]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "tasks.jsonl", "{not json\n");
  driver::StateLog log(dir.path());
  std::string problem;
  REQUIRE_FALSE(log.find("clean", &problem));
  REQUIRE(problem == "state log " + (dir / "tasks.jsonl").string() + " is corrupt");
  log.append("clean", record("r1"));
  REQUIRE(driver::StateLog(dir.path()).find("clean", nullptr));
}

TEST_CASE("a log from a newer driver is not trusted", "[state]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "tasks.jsonl",
                        "{\"format\": \"pipeline-task-state\", \"version\": 2}\n");
  std::string problem;
  REQUIRE_FALSE(driver::StateLog(dir.path()).find("clean", &problem));
  REQUIRE(problem == "state log was written by a newer driver (version 2)");
}

TEST_CASE("a log of mostly old records is compacted", "[state]") {
  test_util::TempDir dir;
  driver::StateLog log(dir.path());
  for (int i = 0; i < 60; ++i) log.append("clean", record("r" + std::to_string(i)));
  log.compact_if_needed();
  REQUIRE(test_util::read_lines(dir / "tasks.jsonl").size() == 2);
  log.append("train", record("t"));
  driver::StateLog back(dir.path());
  REQUIRE(back.find("clean", nullptr)->run_id == "r59");
  REQUIRE(back.find("train", nullptr));
}

TEST_CASE("a temp file a killed compaction left is removed even when there is nothing to compact",
          "[state]") {
  test_util::TempDir dir;
  driver::StateLog log(dir.path());
  log.append("clean", record("r1"));
  pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  std::filesystem::path stale = dir / (".tasks.jsonl.tmp-" + std::to_string(dead) + "-0");
  std::filesystem::path live = dir / (".tasks.jsonl.tmp-" + std::to_string(::getppid()) + "-0");
  test_util::write_text(stale, "{\"format\"");
  test_util::write_text(live, "{\"format\"");
  log.compact_if_needed();
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));
  CHECK(test_util::read_lines(dir / "tasks.jsonl").size() == 2);
}
