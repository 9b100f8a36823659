#include "driver/session.h"

#include <algorithm>

#include "common/cli.h"
#include "common/filenames.h"
#include "common/manifest.h"
#include "driver/dag_loader.h"
#include "driver/driver_error.h"
#include "driver/graph.h"
#include "driver/spellcheck.h"
#include "driver/task_state.h"

namespace fs = std::filesystem;

namespace driver {

fs::path resolve_dir(const fs::path& flag, const char* env_var, const fs::path& fallback) {
  fs::path dir = !flag.empty() ? flag : fs::path(common::env_or(env_var, fallback.string()));
  return fs::absolute(dir).lexically_normal();
}

namespace {

std::size_t task_index(const Dag& dag, const std::string& name, const std::string& what) {
  std::size_t index = dag.find(name);
  if (index < dag.tasks.size()) return index;
  std::vector<std::string> names;
  for (const Task& task : dag.tasks) names.push_back(task.name);
  std::string suggestion = did_you_mean(name, names, '\'');
  // `driver stauts` reads as a task name: offer the subcommand when no task is near.
  std::string command = suggestion.empty() ? spellcheck(name, subcommand_names()) : "";
  if (!command.empty()) suggestion = ", did you mean 'driver " + command + "'?";
  throw ConfigError(what + "unknown task '" + name + "'" + suggestion);
}

}  // namespace

Session open_session(const DriverOptions& options) {
  LoadOptions load;
  load.program_dir = common::self_executable().parent_path();
  Session session;
  session.dag = load_dag(options.dag, load);
  const Dag& dag = session.dag;
  session.state_dir = common::state_dir(dag.workdir);
  session.log_dir =
      resolve_dir(options.log_dir, "PIPELINE_LOG_DIR", common::default_log_dir(dag.dir));
  session.metrics_dir = resolve_dir(options.metrics_dir, "PIPELINE_METRICS_DIR",
                                    common::default_metrics_dir(dag.dir));
  session.runs_dir =
      resolve_dir(options.runs_dir, "PIPELINE_RUNS_DIR", common::default_runs_dir(dag.dir));

  Selection selection;
  for (const std::string& name : options.tasks)
    selection.targets.push_back(task_index(dag, name, ""));
  if (!options.from.empty()) selection.from.push_back(task_index(dag, options.from, "--from: "));
  if (!options.until.empty())
    selection.until.push_back(task_index(dag, options.until, "--until: "));
  session.selected = select_tasks(dag.needs, selection);
  if (std::find(session.selected.begin(), session.selected.end(), true) == session.selected.end()) {
    throw ConfigError("no task is selected: nothing is both downstream of '" + options.from +
                      "' and needed by '" + options.until + "'");
  }
  session.forced.assign(dag.tasks.size(), false);
  if (options.force) {
    if (selection.targets.empty()) {
      session.forced = session.selected;
    } else {
      for (std::size_t t : selection.targets) session.forced[t] = true;
    }
  }
  return session;
}

}  // namespace driver
