#pragma once

#include <filesystem>
#include <vector>

#include "driver/dag.h"
#include "driver/driver_options.h"

namespace driver {

// What a command works on: the validated DAG, where things live, and the selection.
//
// Directories (docs/driver.md): tasks run in the dag's workdir, with their up-to-date
// state in <workdir>/.state and the lock in <workdir>/.lock; logs/, metrics/ and runs/
// sit beside dag.json (the project root) unless --log-dir etc. or $PIPELINE_LOG_DIR etc.
// say otherwise. Every path here is absolute.
struct Session {
  Dag dag;
  std::filesystem::path state_dir;
  std::filesystem::path log_dir;
  std::filesystem::path metrics_dir;
  std::filesystem::path runs_dir;
  std::vector<bool> selected;  // by task: positional TASKs, --from, --until (graph.h)
  std::vector<bool> forced;    // by task: --force
};

// Loads the dag (cmd[0] looked up beside this executable first) and resolves the
// directories and the selection. Throws ConfigError for a dag.json problem or an unknown
// task name ("unknown task 'trian', did you mean 'train'?").
Session open_session(const DriverOptions& options);

// A directory from its flag, else the environment variable, else `fallback`; absolute.
std::filesystem::path resolve_dir(const std::filesystem::path& flag, const char* env_var,
                                  const std::filesystem::path& fallback);

}  // namespace driver
