#include "driver/up_to_date.h"

#include "common/error.h"
#include "driver/graph.h"
#include "driver/service_check.h"

namespace fs = std::filesystem;

namespace driver {

std::optional<std::string> CachedFileHasher::sha256(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  return cache_.sha256(path);
}

std::string short_hash(const std::string& sha256) {
  if (sha256.empty()) return "none";
  return sha256.substr(0, 8) + "\u2026";
}

namespace {

std::string change(const std::string& before, const std::string& after) {
  return "(sha256 " + short_hash(before) + " \u2192 " + short_hash(after) + ")";
}

Decision run(std::string reason, bool waits = false) {
  return Decision{true, std::move(reason), waits};
}

}  // namespace

Decision decide(const Task& task, const std::optional<TaskRecord>& record,
                const std::string& record_problem, bool forced, const std::string& upstream,
                FileHasher& hasher) {
  if (forced) return run("forced");
  if (task.always_run) return run("always_run");
  if (!record) return run(record_problem.empty() ? "no previous successful run" : record_problem);
  if (record->argv != task.cmd) return run("command changed");
  std::string program_sha;
  if (!task.program.empty()) program_sha = hasher.sha256(task.program).value_or("");
  if (record->program_sha256 != program_sha) {
    return run("binary changed " + change(record->program_sha256, program_sha));
  }
  for (std::size_t i = 0; i < task.outputs.size(); ++i) {
    std::optional<std::string> sha = hasher.sha256(task.output_files[i]);
    if (!sha) return run("output " + task.outputs[i] + " missing");
    auto it = record->outputs.find(task.outputs[i]);
    if (it == record->outputs.end()) return run("output " + task.outputs[i] + " is new");
    if (it->second != *sha) {
      return run("output " + task.outputs[i] + " changed since the last run " +
                 change(it->second, *sha));
    }
  }
  if (!task.service_pid_file.empty()) {
    std::string problem = service_problem(task.service_pid_path, task.service_pid_file);
    if (!problem.empty()) return run(problem);
  }
  if (!upstream.empty()) return run("upstream will run: " + upstream, true);
  for (std::size_t i = 0; i < task.inputs.size(); ++i) {
    std::optional<std::string> sha = hasher.sha256(task.input_files[i]);
    if (!sha) return run("input " + task.inputs[i] + " missing");
    auto it = record->inputs.find(task.inputs[i]);
    if (it == record->inputs.end()) return run("input " + task.inputs[i] + " is new");
    if (it->second != *sha)
      return run("input " + task.inputs[i] + " changed " + change(it->second, *sha));
  }
  for (const auto& [path, sha] : record->inputs) {
    bool declared = false;
    for (const std::string& input : task.inputs) declared = declared || input == path;
    if (!declared) return run("input " + path + " removed");
  }
  return Decision{false, "up to date", false};
}

std::map<std::string, std::string> snapshot_inputs(const Task& task, FileHasher& hasher) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < task.inputs.size(); ++i) {
    out[task.inputs[i]] = hasher.sha256(task.input_files[i]).value_or("");
  }
  return out;
}

std::vector<Decision> plan_tasks(const Dag& dag, const std::vector<bool>& selected,
                                 const std::vector<bool>& forced, const StateLog& state,
                                 FileHasher& hasher) {
  std::vector<Decision> plan(dag.tasks.size());
  for (std::size_t t : topological_order(dag.needs)) {
    if (!selected[t]) continue;
    std::string upstream;
    for (std::size_t needed : dag.needs[t]) {
      if (selected[needed] && plan[needed].run) {
        upstream = dag.tasks[needed].name;
        break;
      }
    }
    std::string problem;
    std::optional<TaskRecord> record = state.find(dag.tasks[t].name, &problem);
    plan[t] = decide(dag.tasks[t], record, problem, forced[t], upstream, hasher);
  }
  return plan;
}

Decision recheck_task(const Dag& dag, std::size_t index, bool forced, const StateLog& state,
                      FileHasher& hasher) {
  std::string problem;
  std::optional<TaskRecord> record = state.find(dag.tasks[index].name, &problem);
  return decide(dag.tasks[index], record, problem, forced, "", hasher);
}

}  // namespace driver
