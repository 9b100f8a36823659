// The short form of bench/reliability/kill_anywhere.py (docs/RELIABILITY.md): a few trials
// of the pipeline under the real driver with a SIGKILL at a random moment, each checked for
// partial outputs, unparseable state, a failing or divergent rerun and leftover temp files.
// The full runs (30 and 500 trials) are the script's; this keeps CI honest in seconds.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/e2e/reliability/fault_fixture.h"
#include "tests/e2e/reliability/reliability_util.h"

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kTrials = 4;  // every program is several times slower under ASan
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kTrials = 4;
#else
constexpr int kTrials = 8;
#endif
#else
constexpr int kTrials = 8;
#endif

}  // namespace

TEST_CASE("killing the driver or a task anywhere leaves nothing partial and the rerun agrees",
          "[reliability][kill]") {
  test_util::TempDir dir;
  test_util::ProcessResult r = test_util::run_process(
      {"python3", test_util::source("bench/reliability/kill_anywhere.py").string(), "--trials",
       std::to_string(kTrials), "--seed", "6", "--bin",
       test_util::bin("driver").parent_path().string()},
      dir.path(), reliability::clean_env());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("kill-anywhere: " + std::to_string(kTrials) + " trials, 0 failed (") !=
        std::string::npos);
}

// Found by the trials: a task killed together with the driver stays a zombie until init
// reaps it, and the rerun that started at once took its temp file for a live writer's.
TEST_CASE("a temp file whose writer is a zombie is removed by the next run",
          "[reliability][kill]") {
  test_util::TempDir dir;
  int zombie = ::fork();
  REQUIRE(zombie >= 0);
  if (zombie == 0) ::_exit(0);
  ::usleep(100000);  // not reaped: a zombie from now until waitpid below
  std::string temp = ".raw.csv.tmp-" + std::to_string(zombie) + "-0";
  test_util::write_text(dir / temp, "partial");
  test_util::write_text(dir / "src.csv", "a,b\n1,2\n");
  test_util::ProcessResult r = test_util::run_process(
      {test_util::bin("ingest").string(), "--input", "src.csv", "--output", "raw.csv"}, dir.path(),
      reliability::clean_env());
  ::waitpid(zombie, nullptr, 0);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(dir / temp));
  CHECK(reliability::events(dir / "logs" / "ingest.log", "cleanup").size() == 1);
}

// Found by the trials: a driver killed while saving its hash cache left the temp file in
// work/.state/, and no later run removed it.
TEST_CASE("a temp file a killed driver left beside its hash cache is removed by the next run",
          "[reliability][kill]") {
  reliability::Project project;
  REQUIRE(project.run().exit_code == 0);
  int dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  std::filesystem::path temp =
      project.work() / ".state" / (".hash_cache.json.tmp-" + std::to_string(dead) + "-0");
  test_util::write_text(temp, "{\"partial");
  test_util::ProcessResult r = project.run();
  CHECK(r.exit_code == 0);
  CHECK(r.err == "driver: nothing to do: all 5 tasks are up to date\n");
  CHECK_FALSE(std::filesystem::exists(temp));
}

// Found by the trials: report killed while writing a chart left the chart's temp file, and
// only temp files beside report.md (its --output) were removed by the next run.
TEST_CASE("temp files a killed report left beside its charts are removed by the next run",
          "[reliability][kill]") {
  test_util::TempDir dir;
  const reliability::SmallChain& chain = reliability::small_chain();
  std::filesystem::copy_file(chain.model_a, dir / "trained.pkl");
  std::filesystem::copy_file(chain.clean_csv, dir / "clean.csv");
  int dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  std::vector<std::filesystem::path> temps;
  for (const char* chart : {"report_pred_vs_actual.svg", "report_residuals.svg", "report.md"}) {
    temps.push_back(dir / ("." + std::string(chart) + ".tmp-" + std::to_string(dead) + "-0"));
    test_util::write_text(temps.back(), "<svg partial");
  }
  test_util::ProcessResult r = test_util::run_process(
      {test_util::bin("report").string(), "--input", "trained.pkl", "--input", "clean.csv",
       "--output", "report.md"},
      dir.path(), reliability::clean_env());
  CHECK(r.exit_code == 0);
  for (const auto& temp : temps) CHECK_FALSE(std::filesystem::exists(temp));
  CHECK(reliability::temp_files(dir.path()).empty());
}
