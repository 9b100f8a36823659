#include "common/filenames.h"

namespace fs = std::filesystem;

namespace common {

fs::path state_dir(const fs::path& workdir) { return workdir / ".state"; }

fs::path state_log_path(const fs::path& state_dir) { return state_dir / "tasks.jsonl"; }

fs::path hash_cache_path(const fs::path& state_dir) { return state_dir / "hash_cache.json"; }

fs::path workspace_lock_path(const fs::path& workdir) { return workdir / ".lock"; }

fs::path default_log_dir(const fs::path& dir) { return dir / "logs"; }

fs::path default_metrics_dir(const fs::path& dir) { return dir / "metrics"; }

fs::path default_runs_dir(const fs::path& dir) { return dir / "runs"; }

fs::path manifest_path(const fs::path& runs_dir, const std::string& run_id) {
  return runs_dir / run_id / "manifest.json";
}

fs::path manifest_lock_path(const fs::path& run_dir) { return run_dir / ".lock"; }

fs::path task_log_path(const fs::path& log_dir, const std::string& task) {
  return log_dir / (task + ".log");
}

fs::path attempt_output_path(const fs::path& log_dir, const std::string& task, int attempt) {
  return log_dir / (task + ".attempt-" + std::to_string(attempt) + ".out");
}

fs::path metrics_path(const fs::path& metrics_dir, const std::string& task) {
  return metrics_dir / (task + ".csv");
}

fs::path deploy_lock_path(const fs::path& deploy_dir) { return deploy_dir / ".lock"; }

fs::path deploy_history_path(const fs::path& deploy_dir) { return deploy_dir / "history.jsonl"; }

fs::path deployment_id_path(const fs::path& deploy_dir) { return deploy_dir / "deployment_id"; }

fs::path current_model_link(const fs::path& deploy_dir) { return deploy_dir / "current"; }

fs::path model_file_name(const std::string& sha256) {
  return fs::path("models") / (sha256 + ".json");
}

fs::path pin_path(const fs::path& deploy_dir) { return deploy_dir / "pin.json"; }

fs::path service_record_path(const fs::path& deploy_dir) { return deploy_dir / "serve.json"; }

fs::path service_output_path(const fs::path& deploy_dir) { return deploy_dir / "serve.out"; }

fs::path access_log_path(const fs::path& log_dir) { return log_dir / "serve.log"; }

}  // namespace common
