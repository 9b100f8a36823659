// libFuzzer target: the dag.json loader (parse + validation) on arbitrary bytes, without
// the checks that look at the machine (programs on PATH, input files), so every input is
// judged by its text alone. Properties checked beyond "no crash": every rejection is a
// ConfigError naming the file ("/fuzz/dag.json:LINE:COL: ..."), and a DAG that loads has
// no cycle, a topological order that puts every task after what it needs, and renders as
// dot and Mermaid.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "driver/dag_loader.h"
#include "driver/driver_error.h"
#include "driver/graph.h"
#include "driver/graph_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  driver::LoadOptions options;
  options.check_programs = false;
  options.check_inputs = false;
  driver::Dag dag;
  try {
    dag = driver::parse_dag(text, "/fuzz/dag.json", options);
  } catch (const driver::ConfigError& e) {
    if (std::string_view(e.what()).substr(0, 15) != "/fuzz/dag.json:") std::abort();
    return 0;
  }
  if (dag.needs.size() != dag.tasks.size()) std::abort();
  if (!driver::find_cycle(dag.needs).empty()) std::abort();
  std::vector<std::size_t> order = driver::topological_order(dag.needs);
  if (order.size() != dag.tasks.size()) std::abort();
  std::vector<bool> done(dag.tasks.size(), false);
  for (std::size_t task : order) {
    for (std::size_t need : dag.needs[task]) {
      if (!done[need]) std::abort();
    }
    done[task] = true;
  }
  for (const driver::Task& task : dag.tasks) {
    if (task.cmd.empty() || task.name.empty() || task.retry.n_tries < 1) std::abort();
  }
  if (driver::format_dot(dag).empty() || driver::format_mermaid(dag).empty()) std::abort();
  return 0;
}
