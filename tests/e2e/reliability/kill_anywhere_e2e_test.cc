// The CI form of bench/reliability/kill_anywhere.py (docs/RELIABILITY.md): 30 trials of the
// pipeline under the real driver with a SIGKILL at a random moment, each checked for
// partial outputs, unparseable state, a failing or divergent rerun and leftover temp files
// (6 under ASan, where every program is several times slower). The full run (500 trials)
// is the script's. Then the leftovers the trials found, each as a regression test.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/json_util.h"
#include "common/sha256.h"
#include "tests/e2e/reliability/fault_fixture.h"
#include "tests/e2e/reliability/reliability_util.h"

namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kTrials = 6;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kTrials = 6;
#else
constexpr int kTrials = 30;
#endif
#else
constexpr int kTrials = 30;
#endif

}  // namespace

TEST_CASE("killing the driver or a task anywhere leaves nothing partial and the rerun agrees",
          "[reliability][kill]") {
  test_util::TempDir dir;
  test_util::ProcessResult r = test_util::run_process(
      {"python3", test_util::source("bench/reliability/kill_anywhere.py").string(), "--trials",
       std::to_string(kTrials), "--seed", "7", "--bin",
       test_util::bin("driver").parent_path().string()},
      dir.path(), reliability::clean_env());
  // On a failure: every failed trial with its problems and the workspace it kept.
  INFO("kill_anywhere.py printed:\n" << r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("kill-anywhere: " + std::to_string(kTrials) + " trials, 0 failed (") !=
        std::string::npos);
}

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
  int dead = reliability::dead_pid();
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
  int dead = reliability::dead_pid();
  std::vector<std::filesystem::path> temps;
  for (const char* chart : {"report_pred_vs_actual.svg", "report_residuals.svg", "report.md"}) {
    temps.push_back(dir / ("." + std::string(chart) + ".tmp-" + std::to_string(dead) + "-0"));
    test_util::write_text(temps.back(), "<svg partial");
  }
  test_util::ProcessResult r =
      test_util::run_process({test_util::bin("report").string(), "--input", "trained.pkl",
                              "--input", "clean.csv", "--output", "report.md"},
                             dir.path(), reliability::clean_env());
  CHECK(r.exit_code == 0);
  for (const auto& temp : temps) CHECK_FALSE(std::filesystem::exists(temp));
  CHECK(reliability::temp_files(dir.path()).empty());
}

// A task of a run killed while writing runs/<run_id>/manifest.json leaves its temp file
// there; the next process of the same run to write the manifest removes it (a live
// writer's temp file is spared).
TEST_CASE("a manifest temp file a killed task left is removed when its run writes the manifest",
          "[reliability][kill]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "src.csv", "a,b\n1,2\n");
  fs::create_directories(dir / "runs" / "r1");
  fs::path dead = dir / "runs" / "r1" /
                  (".manifest.json.tmp-" + std::to_string(reliability::dead_pid()) + "-0");
  fs::path live = dir / "runs" / "r1" / (".manifest.json.tmp-" + std::to_string(::getpid()) + "-0");
  test_util::write_text(dead, "{\"partial");
  test_util::write_text(live, "{\"being written");
  test_util::ProcessResult r =
      test_util::run_process({test_util::bin("ingest").string(), "--input", "src.csv", "--output",
                              "raw.csv", "--run-id", "r1"},
                             dir.path(), reliability::clean_env());
  CHECK(r.exit_code == 0);
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
  REQUIRE_NOTHROW(common::read_json_file(dir / "runs" / "r1" / "manifest.json"));
}

// A driver killed while writing its manifest (with no task left to write it again) leaves
// the temp file in its own runs/<run_id>/, which no later run writes: the next driver, which
// takes over the dead driver's lock and so knows its run id, removes it.
TEST_CASE("a manifest temp file a killed driver left is removed by the next driver run",
          "[reliability][kill]") {
  reliability::Project project;
  REQUIRE(project.run().exit_code == 0);
  int dead = reliability::dead_pid();
  test_util::write_text(
      project.work() / ".lock",
      "{\"pid\":" + std::to_string(dead) +
          ",\"run_id\":\"killed-run\",\"started\":\"2026-11-27T00:00:00.000Z\"}\n");
  fs::path run_dir = project / "runs" / "killed-run";
  fs::create_directories(run_dir);
  fs::path temp = run_dir / (".manifest.json.tmp-" + std::to_string(dead) + "-3");
  fs::path live = run_dir / (".manifest.json.tmp-" + std::to_string(::getpid()) + "-0");
  test_util::write_text(temp, "{\"partial");
  test_util::write_text(live, "{\"being written");
  test_util::ProcessResult r = project.run();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("left by pid " + std::to_string(dead) + " (run killed-run), which is gone\n") !=
        std::string::npos);
  CHECK(reliability::last_line(r.err) == "driver: nothing to do: all 5 tasks are up to date");
  CHECK_FALSE(fs::exists(temp));
  CHECK(fs::exists(live));
}

// The driver rewrites work/.state/tasks.jsonl atomically when it compacts it; a driver
// killed meanwhile left the temp file, which no append removes.
TEST_CASE("a temp file a killed driver left beside its state log is removed by the next run",
          "[reliability][kill]") {
  reliability::Project project;
  REQUIRE(project.run().exit_code == 0);
  fs::path temp = project.work() / ".state" /
                  (".tasks.jsonl.tmp-" + std::to_string(reliability::dead_pid()) + "-0");
  test_util::write_text(temp, "{\"format\": \"pipeline-task-state\", \"ver");
  test_util::ProcessResult r = project.run();
  CHECK(r.exit_code == 0);
  CHECK(r.err == "driver: nothing to do: all 5 tasks are up to date\n");
  CHECK_FALSE(fs::exists(temp));
}

namespace {

// `save --no-serve` of `model` as trained.pkl in `dir`, deploy/ beside it.
test_util::ProcessResult save(const fs::path& dir, const fs::path& model) {
  fs::copy_file(model, dir / "trained.pkl", fs::copy_options::overwrite_existing);
  return test_util::run_process({test_util::bin("save").string(), "--input", "trained.pkl",
                                 "--output", "flask_api_running.txt", "--no-serve", "--approve"},
                                dir, reliability::clean_env());
}

bool link_exists(const fs::path& path) { return fs::exists(fs::symlink_status(path)); }

}  // namespace

// save re-points deploy/current through a symlink .current.tmp-<pid> renamed over it; a
// save killed between the two calls left that symlink, and only a save with the same pid
// would have replaced it.
TEST_CASE("a current symlink a killed save left is removed by the next save",
          "[reliability][kill]") {
  test_util::TempDir dir;
  const reliability::SmallChain& chain = reliability::small_chain();
  REQUIRE(save(dir.path(), chain.model_a).exit_code == 0);
  fs::path model_a = fs::read_symlink(dir / "deploy" / "current");
  fs::path live = dir / "deploy" / (".current.tmp-" + std::to_string(::getpid()));
  fs::create_symlink(model_a, live);
  for (const fs::path& model : {chain.model_b, chain.model_b}) {  // a deploy, then unchanged
    fs::path dead = dir / "deploy" / (".current.tmp-" + std::to_string(reliability::dead_pid()));
    fs::create_symlink(model_a, dead);
    test_util::ProcessResult r = save(dir.path(), model);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(link_exists(dead));
    CHECK(link_exists(live));
  }
  CHECK(fs::read_symlink(dir / "deploy" / "current") != model_a);
}

// A save killed after re-pointing deploy/current but before appending its history line
// left a deploy the history did not know: the next save found current up to date and
// wrote no line, so a rollback from that model found nothing to go back to.
TEST_CASE("a deploy a killed save left out of the history is recorded by the next save",
          "[reliability][kill]") {
  test_util::TempDir dir;
  const reliability::SmallChain& chain = reliability::small_chain();
  REQUIRE(save(dir.path(), chain.model_a).exit_code == 0);
  std::string a = fs::read_symlink(dir / "deploy" / "current").stem().string();
  std::string b = common::sha256_hex(test_util::read_text(chain.model_b));
  // What the killed save did: b stored, current re-pointed, no history line.
  fs::copy_file(chain.model_b, dir / "deploy" / "models" / (b + ".json"));
  fs::remove(dir / "deploy" / "current");
  fs::create_symlink(fs::path("models") / (b + ".json"), dir / "deploy" / "current");

  test_util::ProcessResult r = save(dir.path(), chain.model_b);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> history = test_util::read_lines(dir / "deploy" / "history.jsonl");
  REQUIRE(history.size() == 2);
  boost::json::value last = common::parse_json(history[1], "history.jsonl");
  CHECK(last.at("action") == "deploy");
  CHECK(last.at("sha256") == boost::json::value(b));
  CHECK(last.at("previous_sha256") == boost::json::value(a));
  std::vector<boost::json::object> repaired =
      reliability::events(dir / "logs" / "save.log", "history_repaired");
  REQUIRE(repaired.size() == 1);
  CHECK(repaired[0].at("msg") ==
        boost::json::value("recorded the deploy of model " + b.substr(0, 12) +
                           ", which a killed save had left out of the history"));

  test_util::ProcessResult rollback =
      test_util::run_process({test_util::bin("save").string(), "--rollback", "--no-serve",
                              "--output", "flask_api_running.txt"},
                             dir.path(), reliability::clean_env());
  INFO(rollback.err);
  CHECK(rollback.exit_code == 0);
  CHECK(fs::read_symlink(dir / "deploy" / "current") == fs::path("models") / (a + ".json"));
}
