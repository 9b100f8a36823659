#include "driver/run_manifest.h"

#include <unistd.h>

#include <boost/json.hpp>

#include "common/filenames.h"
#include "common/log.h"
#include "common/manifest.h"
#include "common/version.h"
#include "driver/task_status.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

json::object& task_entry(json::object& doc, const std::string& name) {
  if (!doc["tasks"].is_object()) doc["tasks"].emplace_object();
  json::value& entry = doc["tasks"].as_object()[name];
  if (!entry.is_object()) entry.emplace_object();
  return entry.as_object();
}

json::array describe_files(const std::vector<std::string>& declared,
                           const std::vector<fs::path>& files, FileHasher& hasher) {
  json::array out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      if (std::optional<std::string> sha = hasher.sha256(files[i])) {
        auto bytes = static_cast<std::uint64_t>(fs::file_size(files[i]));
        out.push_back(common::to_json(common::FileRecord{declared[i], bytes, *sha}));
        continue;
      }
    } catch (const std::exception&) {
      // Recorded as unknown: the manifest describes, it does not judge.
    }
    out.push_back(common::unknown_file_json(declared[i]));
  }
  return out;
}

json::object attempt_json(const Attempt& attempt, const fs::path& output) {
  const CommandResult& r = attempt.result;
  json::object out;
  out["attempt"] = attempt.number;
  out["started"] = common::rfc3339(attempt.started);
  out["exit_code"] =
      r.how == Termination::kExited ? json::value(r.exit_code) : json::value(nullptr);
  out["signal"] = r.signal != 0 ? json::value(r.signal) : json::value(nullptr);
  out["timed_out"] = r.how == Termination::kTimedOut;
  out["stopped"] = r.stopped;
  out["duration_s"] = r.duration_s;
  out["cpu_s"] = r.cpu_s;
  out["max_rss_kb"] = static_cast<std::int64_t>(r.max_rss_kb);
  out["failure"] = attempt.failure.empty() ? json::value(nullptr) : json::value(attempt.failure);
  out["output"] = output.string();
  return out;
}

}  // namespace

namespace {

// The binaries every selected task uses, and the driver: hashed through the cache, as a
// no-op run must not reread them.
json::object binaries_of(const Session& session, FileHasher& hasher) {
  const Dag& dag = session.dag;
  json::object binaries;
  std::vector<fs::path> programs{common::self_executable()};
  for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
    if (!session.selected[t] || dag.tasks[t].program.empty()) continue;
    programs.push_back(dag.tasks[t].program);
    // save starts the prediction service from beside itself (tasks/save): what is deployed
    // runs that binary, so it is part of the record too.
    fs::path serve = dag.tasks[t].program.parent_path() / "serve";
    std::error_code ec;
    if (dag.tasks[t].program.filename() == "save" && fs::exists(serve, ec))
      programs.push_back(serve);
  }
  for (const fs::path& program : programs) {
    std::string key = program.filename().string();
    if (const json::value* seen = binaries.if_contains(key);
        seen != nullptr && seen->as_object().at("path").as_string() != program.string()) {
      key = program.string();
    }
    json::value sha = nullptr;
    try {
      if (std::optional<std::string> s = hasher.sha256(program)) sha = *s;
    } catch (const std::exception&) {
    }
    binaries[key] = json::object{{"path", program.string()}, {"sha256", sha}};
  }
  return binaries;
}

// The run-level keys written when the run starts.
void set_run_keys(json::object& doc, const Session& session, const RunInfo& info,
                  const json::object& binaries) {
  const Dag& dag = session.dag;
  if (!doc.contains("started")) doc["started"] = info.started;
  doc["status"] = "running";
  doc["dag"] = json::object{{"path", fs::absolute(dag.path).lexically_normal().string()},
                            {"sha256", info.dag_sha256},
                            {"version", dag.version}};
  doc["workdir"] = dag.workdir.string();
  doc["git_sha"] = common::kGitSha;
  json::object environment = common::environment_record({});
  json::object& merged = environment["binaries"].as_object();
  for (const auto& [name, record] : binaries) merged[name] = record;
  if (const json::value* old = doc.if_contains("environment"); old != nullptr && old->is_object()) {
    // A task that started first may have recorded its own binary already.
    if (const json::value* b = old->as_object().if_contains("binaries");
        b != nullptr && b->is_object()) {
      for (const auto& [name, record] : b->as_object()) {
        if (!merged.contains(name)) merged[name] = record;
      }
    }
  }
  doc["environment"] = std::move(environment);
  doc["driver"] = json::object{{"argv", json::value_from(info.argv)},
                               {"pid", static_cast<std::int64_t>(::getpid())},
                               {"jobs", info.jobs},
                               {"fail_mode", info.fail_mode},
                               {"log_dir", session.log_dir.string()},
                               {"metrics_dir", session.metrics_dir.string()}};
}

}  // namespace

bool mark_run_interrupted(const fs::path& runs_dir, const std::string& run_id,
                          const std::string& by_run_id) {
  std::error_code ec;
  if (!fs::exists(common::manifest_path(runs_dir, run_id), ec)) return false;
  bool changed = false;
  common::update_manifest(runs_dir, run_id, [&](json::object& doc) {
    const json::value* status = doc.if_contains("status");
    if (status == nullptr || !status->is_string() || status->as_string() != "running") return;
    changed = true;
    doc["status"] = "interrupted";
    doc["interrupted"] = json::object{{"reason", "its driver died; the lock was taken over"},
                                      {"by_run_id", by_run_id},
                                      {"at", common::rfc3339_now()}};
    for (auto& [name, task] : doc["tasks"].as_object()) {
      if (!task.is_object()) continue;
      json::value& s = task.as_object()["status"];
      if (s.is_string() && (s.as_string() == "pending" || s.as_string() == "running")) {
        s = "interrupted";
        task.as_object()["reason"] = "its driver died";
      }
    }
  });
  return changed;
}

void record_run_start(const Session& session, const RunInfo& info,
                      const std::vector<Decision>& plan, FileHasher& hasher) {
  const Dag& dag = session.dag;
  json::object binaries = binaries_of(session, hasher);
  common::update_manifest(session.runs_dir, info.run_id, [&](json::object& doc) {
    set_run_keys(doc, session, info, binaries);
    for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
      if (!session.selected[t]) continue;
      json::object& entry = task_entry(doc, dag.tasks[t].name);
      entry["status"] = status_id(plan[t].run ? TaskStatus::kPending : TaskStatus::kUpToDate);
      entry["reason"] = plan[t].reason;
    }
  });
}

void record_run_end(const Session& session, const RunInfo& info, const RunSummary& summary,
                    const std::string& status, FileHasher& hasher) {
  const Dag& dag = session.dag;
  // Hash outside the manifest's lock: tasks of this run may still want it.
  std::vector<json::array> inputs(dag.tasks.size());
  std::vector<json::array> outputs(dag.tasks.size());
  for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
    if (!session.selected[t]) continue;
    inputs[t] = describe_files(dag.tasks[t].inputs, dag.tasks[t].input_files, hasher);
    outputs[t] = describe_files(dag.tasks[t].outputs, dag.tasks[t].output_files, hasher);
  }
  // A run with nothing to do writes its manifest once, at the end.
  json::object binaries;
  if (!info.start_recorded) binaries = binaries_of(session, hasher);
  common::update_manifest(session.runs_dir, info.run_id, [&](json::object& doc) {
    if (!info.start_recorded) set_run_keys(doc, session, info, binaries);
    doc["ended"] = info.ended;
    doc["duration_s"] = info.duration_s;
    doc["status"] = status;
    for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
      if (!session.selected[t]) continue;
      const Task& task = dag.tasks[t];
      const TaskOutcome& outcome = summary.tasks[t];
      json::object& entry = task_entry(doc, task.name);
      entry["status"] = status_id(outcome.status);
      entry["reason"] = outcome.reason;
      entry["attempts"] = static_cast<std::int64_t>(outcome.attempts.size());
      json::array details;
      double cpu_s = 0;
      long max_rss_kb = 0;
      for (const Attempt& attempt : outcome.attempts) {
        details.push_back(attempt_json(
            attempt, common::attempt_output_path(session.log_dir, task.name, attempt.number)));
        cpu_s += attempt.result.cpu_s;
        max_rss_kb = std::max(max_rss_kb, attempt.result.max_rss_kb);
      }
      entry["attempt_details"] = std::move(details);
      if (!outcome.attempts.empty()) {
        const CommandResult& last = outcome.attempts.back().result;
        entry["exit_code"] =
            last.how == Termination::kExited ? json::value(last.exit_code) : json::value(nullptr);
        entry["signal"] = last.signal != 0 ? json::value(last.signal) : json::value(nullptr);
        entry["cpu_s"] = cpu_s;
        entry["max_rss_kb"] = static_cast<std::int64_t>(max_rss_kb);
        // What the user waited (pauses between retries included), and the attempts' sum;
        // each attempt's own time is in attempt_details. A task's own duration_s is the
        // time its last attempt measured itself.
        entry["wall_s"] = outcome.duration_s;
        entry["attempts_s"] = outcome.attempts_s;
        if (!entry.contains("duration_s")) entry["duration_s"] = outcome.duration_s;
      }
      if (!entry.contains("argv")) entry["argv"] = json::value_from(task.cmd);
      if (!entry.contains("inputs")) entry["inputs"] = std::move(inputs[t]);
      if (!entry.contains("outputs")) entry["outputs"] = std::move(outputs[t]);
    }
  });
}

}  // namespace driver
