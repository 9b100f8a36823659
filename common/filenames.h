#pragma once

#include <filesystem>
#include <string>

// The one place that names every file a run leaves behind (as LevelDB's db/filename.h does):
// each function takes the directory the file lives in and returns its path. Code that reads
// or writes one of these files asks here; no other file spells a name. The layout is the
// contract of docs/ and SPEC.md, so a change here is a change of on-disk format.
namespace common {

// --- the driver's workspace (<workdir>) ---

// <workdir>/.state: the driver's state directory.
std::filesystem::path state_dir(const std::filesystem::path& workdir);
// <state_dir>/tasks.jsonl: one record per task run (driver/task_state.h).
std::filesystem::path state_log_path(const std::filesystem::path& state_dir);
// <state_dir>/hash_cache.json: file hashes by size and mtime (common/hash_cache.h).
std::filesystem::path hash_cache_path(const std::filesystem::path& state_dir);
// <workdir>/.lock: held by the one driver working in the workspace.
std::filesystem::path workspace_lock_path(const std::filesystem::path& workdir);

// <dir>/logs, <dir>/metrics, <dir>/runs: where the driver puts them beside dag.json unless
// told otherwise (a task program's own defaults are the same names, relative: common/cli.h).
std::filesystem::path default_log_dir(const std::filesystem::path& dir);
std::filesystem::path default_metrics_dir(const std::filesystem::path& dir);
std::filesystem::path default_runs_dir(const std::filesystem::path& dir);

// --- a run (<runs_dir>/<run_id>) ---

// <runs_dir>/<run_id>/manifest.json.
std::filesystem::path manifest_path(const std::filesystem::path& runs_dir,
                                    const std::string& run_id);
// <run_dir>/.lock: serialises writers of the manifest beside it.
std::filesystem::path manifest_lock_path(const std::filesystem::path& run_dir);

// --- logs and metrics ---

// <log_dir>/<task>.log: a task's structured log (common/log.h).
std::filesystem::path task_log_path(const std::filesystem::path& log_dir, const std::string& task);
// <log_dir>/<task>.attempt-<n>.out: what attempt n of a task printed.
std::filesystem::path attempt_output_path(const std::filesystem::path& log_dir,
                                          const std::string& task, int attempt);
// <metrics_dir>/<task>.csv: a task's figures (common/metrics.h).
std::filesystem::path metrics_path(const std::filesystem::path& metrics_dir,
                                   const std::string& task);

// --- a deploy directory (docs/deploy.md) ---

// <deploy_dir>/.lock: held by save while it changes the directory.
std::filesystem::path deploy_lock_path(const std::filesystem::path& deploy_dir);
// <deploy_dir>/history.jsonl: one line per deployment.
std::filesystem::path deploy_history_path(const std::filesystem::path& deploy_dir);
// <deploy_dir>/deployment_id: the directory's random identity.
std::filesystem::path deployment_id_path(const std::filesystem::path& deploy_dir);
// <deploy_dir>/current: the link to the deployed model.
std::filesystem::path current_model_link(const std::filesystem::path& deploy_dir);
// models/<sha256>.json, relative to the deploy directory (current's link target).
std::filesystem::path model_file_name(const std::string& sha256);
// <deploy_dir>/pin.json: a pinned deployment (common/service_pin.h).
std::filesystem::path pin_path(const std::filesystem::path& deploy_dir);
// <deploy_dir>/serve.json: the running service's record.
std::filesystem::path service_record_path(const std::filesystem::path& deploy_dir);
// <deploy_dir>/serve.out: what the started service printed.
std::filesystem::path service_output_path(const std::filesystem::path& deploy_dir);
// <log_dir>/serve.log: the service's access log.
std::filesystem::path access_log_path(const std::filesystem::path& log_dir);

}  // namespace common
