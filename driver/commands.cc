#include "driver/commands.h"

#include <csignal>
#include <exception>
#include <iostream>

#include "common/failure.h"
#include "common/filenames.h"
#include "common/hash_cache.h"
#include "driver/approve_schema.h"
#include "driver/dag_loader.h"
#include "driver/driver_error.h"
#include "driver/graph.h"
#include "driver/graph_format.h"
#include "driver/progress.h"
#include "driver/service_check.h"
#include "driver/session.h"
#include "driver/task_state.h"
#include "driver/up_to_date.h"

namespace driver {

int validate_command(const DriverOptions& options) {
  Session session = open_session(options);
  std::size_t edges = 0;
  for (const auto& needs : session.dag.needs) edges += needs.size();
  std::cout << session.dag.path.string() << ": ok (" << count_of(session.dag.tasks.size(), "task")
            << ", " << (edges == 1 ? "1 dependency" : std::to_string(edges) + " dependencies")
            << ")\n";
  return 0;
}

int graph_command(const DriverOptions& options) {
  Session session = open_session(options);
  std::cout << (options.graph_format == GraphFormat::kMermaid ? format_mermaid(session.dag)
                                                              : format_dot(session.dag));
  return 0;
}

int status_command(const DriverOptions& options) {
  Session session = open_session(options);
  const Dag& dag = session.dag;
  common::HashCache cache(common::hash_cache_path(session.state_dir));
  CachedFileHasher hasher(cache);
  StateLog state(session.state_dir);
  std::vector<Decision> plan = plan_tasks(dag, session.selected, session.forced, state, hasher);
  try {
    cache.save();  // only a cache: a read-only workdir must not fail `status`
  } catch (const common::Error&) {
  }
  std::size_t width = 0;
  for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
    if (session.selected[t]) width = std::max(width, dag.tasks[t].name.size());
  }
  std::size_t selected = 0;
  std::size_t to_run = 0;
  bool may_be_cut_off = false;  // a task runs only if its upstream's outputs change
  for (std::size_t t : topological_order(dag.needs)) {
    if (!session.selected[t]) continue;
    ++selected;
    to_run += plan[t].run ? 1 : 0;
    may_be_cut_off = may_be_cut_off || (plan[t].run && plan[t].waits_for_upstream);
    std::string name = dag.tasks[t].name;
    name.resize(width, ' ');
    std::string line = plan[t].run ? "will run: " + plan[t].reason : plan[t].reason;
    const Task& task = dag.tasks[t];
    if (!task.service_pid_file.empty())
      line += service_pin_note(task.service_pid_path, task.service_pid_file);
    std::cout << name << "  " << line << '\n';
  }
  if (to_run == 0) {
    std::cout << (selected == 1 ? "the " : "all ") << count_of(selected, "task") << " up to date\n";
  } else {
    // Early cutoff: a task that waits for its upstream is skipped if that one's outputs come
    // out unchanged, so the count is an upper bound.
    std::cout << (may_be_cut_off ? "up to " : "") << to_run << " of " << count_of(selected, "task")
              << " will run\n";
  }
  return 0;
}

int driver_main(int argc, const char* const* argv) {
  // A closed stderr pipe must not kill the driver while it still has tasks to stop.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    std::optional<DriverOptions> options = parse_driver_options(argc, argv);
    if (!options) return 0;
    switch (options->command) {
      case Subcommand::kRun:
        return options->dry_run ? status_command(*options) : run_command(*options);
      case Subcommand::kStatus:
        return status_command(*options);
      case Subcommand::kValidate:
        return validate_command(*options);
      case Subcommand::kGraph:
        return graph_command(*options);
      case Subcommand::kVerify:
        return verify_command(*options);
      case Subcommand::kApproveSchema:
        return approve_schema_command(*options);
    }
    return 0;
  } catch (...) {
    common::Failure failure = common::describe_failure(std::current_exception(), "driver");
    std::cerr << "driver: " << failure.message << '\n';
    return static_cast<int>(driver_exit_code(failure.kind));
  }
}

}  // namespace driver
