#include "common/filenames.h"

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

// The names are an on-disk contract (SPEC.md, docs/): these pin every one of them, so a
// rename shows up here and not as a workspace, run or deploy directory nobody can read.

TEST_CASE("the driver's workspace files are named under the workdir", "[filenames]") {
  CHECK(common::state_dir("w") == fs::path("w/.state"));
  CHECK(common::state_log_path(common::state_dir("w")) == fs::path("w/.state/tasks.jsonl"));
  CHECK(common::hash_cache_path(common::state_dir("w")) == fs::path("w/.state/hash_cache.json"));
  CHECK(common::workspace_lock_path("w") == fs::path("w/.lock"));
}

TEST_CASE("the driver's default directories sit beside dag.json", "[filenames]") {
  CHECK(common::default_log_dir("p") == fs::path("p/logs"));
  CHECK(common::default_metrics_dir("p") == fs::path("p/metrics"));
  CHECK(common::default_runs_dir("p") == fs::path("p/runs"));
}

TEST_CASE("a run's manifest and its lock live in runs/<run_id>", "[filenames]") {
  fs::path manifest = common::manifest_path("runs", "r1");
  CHECK(manifest == fs::path("runs/r1/manifest.json"));
  CHECK(common::manifest_lock_path(manifest.parent_path()) == fs::path("runs/r1/.lock"));
}

TEST_CASE("log, attempt output and metrics files are named after the task", "[filenames]") {
  CHECK(common::task_log_path("logs", "train") == fs::path("logs/train.log"));
  CHECK(common::attempt_output_path("logs", "train", 3) == fs::path("logs/train.attempt-3.out"));
  CHECK(common::attempt_output_path("logs", "train", 12) == fs::path("logs/train.attempt-12.out"));
  CHECK(common::metrics_path("metrics", "train") == fs::path("metrics/train.csv"));
  CHECK(common::access_log_path("logs") == fs::path("logs/serve.log"));
}

TEST_CASE("a deploy directory's files are named under it", "[filenames]") {
  CHECK(common::deploy_lock_path("d") == fs::path("d/.lock"));
  CHECK(common::deploy_history_path("d") == fs::path("d/history.jsonl"));
  CHECK(common::deployment_id_path("d") == fs::path("d/deployment_id"));
  CHECK(common::current_model_link("d") == fs::path("d/current"));
  CHECK(common::model_file_name("ab12") == fs::path("models/ab12.json"));
  CHECK(common::pin_path("d") == fs::path("d/pin.json"));
  CHECK(common::service_record_path("d") == fs::path("d/serve.json"));
  CHECK(common::service_output_path("d") == fs::path("d/serve.out"));
}
