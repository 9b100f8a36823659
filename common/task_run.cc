#include "common/task_run.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <future>
#include <map>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/failpoint.h"
#include "common/failure.h"
#include "common/input_file.h"
#include "common/manifest.h"
#include "common/message.h"
#include "common/metrics.h"
#include "common/run_main.h"
#include "common/sha256.h"
#include "common/version.h"

namespace json = boost::json;

namespace common {

RetryObserver TaskContext::retry_logger(const std::string& step) {
  return [this, step](int attempt, const Error& error) {
    log_.warn("retry",
              step + ": attempt " + std::to_string(attempt) + " failed, retrying: " + error.what(),
              json::object{{"step", step}, {"attempt", attempt}, {"error", error.what()}});
  };
}

namespace {

// Hashes of the --input files, computed on a second thread while the task works (the
// machine has cores to spare and large inputs would otherwise be read twice in a row).
using PendingHashes = std::map<std::string, std::future<FileRecord>>;

PendingHashes hash_in_background(const std::vector<std::string>& paths) {
  PendingHashes pending;
  for (const std::string& path : paths) {
    // A pipe is hashed as the task reads it (open_input), never by a second reader.
    if (pending.count(path) || !is_regular_file(path)) continue;
    pending.emplace(path, std::async(std::launch::async, [path] { return describe_file(path); }));
  }
  return pending;
}

json::array describe_files(const std::vector<std::string>& paths, PendingHashes* pending) {
  json::array out;
  for (const std::string& path : paths) {
    try {
      auto it = pending != nullptr ? pending->find(path) : PendingHashes::iterator{};
      if (pending != nullptr && it != pending->end() && it->second.valid()) {
        FileRecord record = it->second.get();
        pending->erase(it);
        out.push_back(to_json(record));
      } else {
        out.push_back(to_json(describe_file(path)));
      }
    } catch (const Error&) {
      out.push_back(unknown_file_json(path));
    }
  }
  return out;
}

void record_in_manifest(const CommonOptions& options, const std::string& task,
                        const std::vector<std::string>& argv, const std::string& status,
                        int exit_code, double duration_s, const std::string& started,
                        const TaskReport* report, const std::string& error,
                        PendingHashes* pending = nullptr) {
  std::string ended = rfc3339_now();
  update_manifest(options.runs_dir, options.run_id, [&](json::object& doc) {
    if (!doc.contains("started")) doc["started"] = started;
    doc["ended"] = ended;
    if (!doc.contains("git_sha")) doc["git_sha"] = kGitSha;
    if (!doc.contains("environment")) doc["environment"] = environment_record({});
    json::object& environment = doc["environment"].as_object();
    if (!environment.contains("binaries")) environment["binaries"] = json::object();
    json::object& binaries = environment["binaries"].as_object();
    // The driver recorded the program's path and hash; only the program knows what the
    // loader gave it.
    const json::value* recorded = binaries.if_contains(task);
    if (recorded == nullptr || !recorded->is_object() ||
        !recorded->as_object().contains("runtime_libraries"))
      binaries[task] = self_binary_record();

    // Keyed by the DAG task, not the program: two tasks running `train` keep two entries.
    std::string key = dag_task_name(task);
    json::object& tasks = doc["tasks"].as_object();
    if (!tasks[key].is_object()) tasks[key].emplace_object();
    json::object& entry = tasks[key].as_object();
    entry["program"] = task;
    entry["argv"] = json::value_from(argv);
    entry["status"] = status;
    entry["exit_code"] = exit_code;
    entry["started"] = started;
    entry["ended"] = ended;
    entry["duration_s"] = duration_s;
    entry["pid"] = static_cast<std::int64_t>(::getpid());
    if (!entry.contains("attempts")) entry["attempts"] = 1;  // the driver counts its own
    if (report != nullptr) {
      entry["params"] = report->params;
      entry["inputs"] = describe_files(report->inputs, pending);
      entry["outputs"] = describe_files(report->outputs, nullptr);
    }
    if (!error.empty()) entry["error"] = error;
    // A run driven by the driver gets its status from the driver; a task run alone makes
    // the status of its own manifest.
    if (!doc.contains("dag")) {
      bool failed = false;
      for (const auto& [name, t] : tasks) {
        const json::value* s = t.as_object().if_contains("status");
        failed = failed || (s != nullptr && s->is_string() && s->as_string() != "ok");
      }
      doc["status"] = failed ? "failed" : "ok";
    }
  });
}

}  // namespace

int run_task(const ProgramInfo& info, int argc, const char* const* argv,
             const std::function<void(boost::program_options::options_description&)>& add_options,
             const TaskBody& body) {
  return run_main(info.name, [&]() -> int {
    Cli cli(info);
    if (add_options) add_options(cli.options());
    if (!cli.parse(argc, argv)) return 0;
    const CommonOptions& options = cli.common();
    std::vector<std::string> args(argv, argv + argc);
    std::string started = rfc3339_now();

    Logger log(info.name, options.run_id, options.log_dir);
    std::vector<std::string> outputs;
    if (!options.output.empty()) outputs.push_back(options.output);
    log.set_paths(options.inputs, outputs);
    log.start("started: " + [&] {
      std::string joined;
      for (std::size_t i = 0; i < args.size(); ++i) joined += (i ? " " : "") + args[i];
      return joined;
    }());

    int injected = failpoint_exit_code(info.name);
    if (injected >= 0) {
      std::string message =
          "failpoint " + info.name + ".exit: exiting with " + std::to_string(injected);
      log.end("failed", json::object{{"exit_code", injected}}, message);
      record_in_manifest(options, info.name, args, "failed", injected, log.elapsed_s(), started,
                         nullptr, message);
      return injected;
    }
    if (!options.output.empty()) {
      int removed = remove_stale_temp_files(options.output);
      if (removed > 0) {
        log.info("cleanup", "removed " + std::to_string(removed) + " stale temp file(s) beside " +
                                options.output);
      }
    }

    PendingHashes input_hashes = hash_in_background(options.inputs);
    TaskContext context(cli, log);
    TaskReport report;
    try {
      // Everything the task writes after its output is opened first: a metrics or runs
      // directory that cannot be written fails the task before its output is replaced.
      MetricsFile metrics(options.metrics_dir, info.name);
      check_manifest_writable(options.runs_dir, options.run_id);
      report = body(context);
      log.set_paths(report.inputs, report.outputs);
      metrics.append(options.run_id, report.metric_columns, report.metric_values);
      record_in_manifest(options, info.name, args, "ok", 0, log.elapsed_s(), started, &report, "",
                         &input_hashes);
    } catch (...) {
      // A failure of the body, or of the bookkeeping after it, is logged and recorded in the
      // manifest as "failed" with the message and exit code run_main will give, then
      // rethrown to it.
      Failure failure = describe_failure(std::current_exception(), info.name);
      int code = static_cast<int>(exit_code_for(failure.kind));
      std::string message = bound_message(failure.message);
      log.log(Level::kError, "end", message, json::object{{"exit_code", code}}, "failed");
      try {
        record_in_manifest(options, info.name, args, "failed", code, log.elapsed_s(), started,
                           nullptr, message);
      } catch (const std::exception&) {
        // The task's own error is what the user needs to see.
      }
      throw;
    }
    log.end("ok", report.metrics, report.summary);
    return 0;
  });
}

}  // namespace common
