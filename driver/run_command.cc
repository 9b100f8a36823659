// driver run: lock the workdir, plan, schedule, and record the run.

#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cmath>
#include <iostream>
#include <thread>

#include "common/atomic_file.h"
#include "common/cli.h"
#include "common/filenames.h"
#include "common/hash_cache.h"
#include "common/log.h"
#include "common/manifest.h"
#include "common/metrics.h"
#include "common/number.h"
#include "driver/approve_schema.h"
#include "driver/commands.h"
#include "driver/driver_error.h"
#include "driver/line_printer.h"
#include "driver/process_runner.h"
#include "driver/progress.h"
#include "driver/run_manifest.h"
#include "driver/scheduler.h"
#include "driver/session.h"
#include "driver/task_state.h"
#include "driver/up_to_date.h"
#include "driver/workspace_lock.h"

extern char** environ;

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

const std::vector<std::string> kMetricColumns{"task",      "status",     "attempts",
                                              "exit_code", "signal",     "duration_s",
                                              "cpu_s",     "max_rss_kb", "reason"};

// The environment every task gets: the driver's own, with the run's id and directories
// (absolute, so a task may change directory) replacing any inherited values.
std::vector<std::string> task_environment(const std::string& run_id, const Session& session) {
  const std::vector<std::pair<std::string, std::string>> ours{
      {"PIPELINE_RUN_ID", run_id},
      {"PIPELINE_LOG_DIR", session.log_dir.string()},
      {"PIPELINE_METRICS_DIR", session.metrics_dir.string()},
      {"PIPELINE_RUNS_DIR", session.runs_dir.string()},
      {"PIPELINE_DRIVER_COMMAND", driver_command(session)}};  // approve_schema.h
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool replaced =
        entry.rfind("PIPELINE_TASK=", 0) == 0 || entry.rfind("PIPELINE_ATTEMPT=", 0) == 0;
    for (const auto& [name, value] : ours) {
      replaced =
          replaced || (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
                       entry[name.size()] == '=');
    }
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [name, value] : ours) {
    std::string entry = name;
    entry += '=';
    entry += value;
    env.push_back(std::move(entry));
  }
  return env;
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::max(std::chrono::milliseconds(1), to_milliseconds(seconds));  // saturates
}

const char* fail_mode_name(FailMode mode) {
  switch (mode) {
    case FailMode::kFinishRunning:
      return "finish";
    case FailMode::kKillRunning:
      return "kill";
    case FailMode::kKeepGoing:
      return "keep-going";
  }
  return "finish";
}

// Connects the scheduler to the world: commands, checkpoints, progress, log and metrics.
class RunDelegate : public SchedulerDelegate {
 public:
  RunDelegate(const Session& session, const std::string& run_id, StateLog& state,
              FileHasher& hasher, common::Logger& log, Progress& progress)
      : session_(session),
        dag_(session.dag),
        run_id_(run_id),
        state_(state),
        hasher_(hasher),
        log_(log),
        progress_(progress),
        environment_(task_environment(run_id, session)),
        inputs_(session.dag.tasks.size()) {}

  Command command(std::size_t t, int attempt) override {
    const Task& task = dag_.tasks[t];
    if (attempt == 1) {
      // Outputs of later attempts from an earlier run would only confuse.
      std::error_code ec;
      for (int k = 2; fs::exists(common::attempt_output_path(session_.log_dir, task.name, k), ec);
           ++k) {
        fs::remove(common::attempt_output_path(session_.log_dir, task.name, k), ec);
      }
      inputs_[t] = snapshot_inputs(task, hasher_);
    }
    Command command;
    command.task = t;
    command.attempt = attempt;
    command.program = task.program;
    command.argv = task.cmd;
    command.cwd = dag_.workdir;
    command.env = environment_;
    command.env.push_back("PIPELINE_TASK=" + task.name);
    command.env.push_back("PIPELINE_ATTEMPT=" + std::to_string(attempt));
    command.output = common::attempt_output_path(session_.log_dir, task.name, attempt);
    if (task.timeout_s > 0) command.timeout = to_ms(task.timeout_s);
    command.kill_grace = to_ms(task.kill_grace_s);
    log_.info("attempt_start", task.name + ": attempt " + std::to_string(attempt) + " started",
              json::object{
                  {"task", task.name}, {"attempt", attempt}, {"output", command.output.string()}});
    return command;
  }

  Decision recheck(std::size_t t) override {
    Decision decision = recheck_task(dag_, t, session_.forced[t], state_, hasher_);
    log_.info(
        "decision",
        dag_.tasks[t].name + ": " + (decision.run ? "will run: " : "") + decision.reason,
        json::object{
            {"task", dag_.tasks[t].name}, {"run", decision.run}, {"reason", decision.reason}});
    return decision;
  }

  std::string check_outputs(std::size_t t) override {
    const Task& task = dag_.tasks[t];
    for (std::size_t i = 0; i < task.outputs.size(); ++i) {
      std::error_code ec;
      if (!fs::exists(task.output_files[i], ec))
        return "exit 0 but output " + task.outputs[i] + " missing";
    }
    return "";
  }

  void succeeded(std::size_t t) override {
    const Task& task = dag_.tasks[t];
    TaskRecord record;
    record.argv = task.cmd;
    record.program = task.program.string();
    if (!task.program.empty()) record.program_sha256 = hasher_.sha256(task.program).value_or("");
    record.inputs = inputs_[t];
    for (std::size_t i = 0; i < task.outputs.size(); ++i) {
      record.outputs[task.outputs[i]] = hasher_.sha256(task.output_files[i]).value_or("");
    }
    record.run_id = run_id_;
    record.finished = common::rfc3339_now();
    state_.append(task.name, record);
  }

  void attempt_started(std::size_t t, int attempt) override {
    progress_.attempt_started(t, attempt);
  }

  void attempt_finished(std::size_t t, const Attempt& attempt,
                        std::optional<std::chrono::milliseconds> retry_in) override {
    const CommandResult& r = attempt.result;
    const std::string& name = dag_.tasks[t].name;
    json::object metrics{
        {"task", name},
        {"attempt", attempt.number},
        {"exit_code", r.how == Termination::kExited ? json::value(r.exit_code) : json::value()},
        {"signal", r.signal != 0 ? json::value(r.signal) : json::value()},
        {"timed_out", r.how == Termination::kTimedOut},
        {"stopped", r.stopped},
        {"duration_s", r.duration_s},
        {"cpu_s", r.cpu_s},
        {"max_rss_kb", static_cast<std::int64_t>(r.max_rss_kb)}};
    if (!attempt.failure.empty()) metrics["failure"] = attempt.failure;
    log_.log(attempt.failure.empty() ? common::Level::kInfo : common::Level::kWarning,
             "attempt_end",
             name + ": attempt " + std::to_string(attempt.number) + " " +
                 (attempt.failure.empty() ? "ok" : attempt.failure),
             std::move(metrics));
    if (retry_in) {
      double delay_s = static_cast<double>(retry_in->count()) / 1000;
      log_.log(common::Level::kWarning, "retry",
               name + ": retrying in " + common::format_number(delay_s) + "s",
               json::object{{"task", name}, {"attempt", attempt.number + 1}, {"delay_s", delay_s}});
    }
    progress_.attempt_finished(t, attempt, retry_in);
  }

  void task_finished(std::size_t t, const TaskOutcome& outcome) override {
    progress_.task_finished(t, outcome);
    record_task(t, outcome);
  }

  // The task's "task_end" log event and its metrics/driver.csv row.
  void record_task(std::size_t t, const TaskOutcome& outcome) {
    const Task& task = dag_.tasks[t];
    const char* status = status_id(outcome.status);
    log_.log(outcome.status == TaskStatus::kFailed ? common::Level::kError : common::Level::kInfo,
             "task_end",
             task.name + ": " + to_string(outcome.status) +
                 (outcome.reason.empty() ? "" : ": " + outcome.reason),
             json::object{{"task", task.name},
                          {"status", status},
                          {"reason", outcome.reason},
                          {"attempts", static_cast<std::int64_t>(outcome.attempts.size())},
                          {"duration_s", outcome.duration_s}},
             status);
    std::string exit_code;
    std::string signal;
    double cpu_s = 0;
    long rss = 0;
    if (!outcome.attempts.empty()) {
      const CommandResult& last = outcome.attempts.back().result;
      if (last.how == Termination::kExited) exit_code = std::to_string(last.exit_code);
      if (last.signal != 0) signal = std::to_string(last.signal);
      for (const Attempt& a : outcome.attempts) {
        cpu_s += a.result.cpu_s;
        rss = std::max(rss, a.result.max_rss_kb);
      }
    }
    try {
      common::append_metrics_row(
          session_.metrics_dir, "driver", run_id_, kMetricColumns,
          {task.name, status, std::to_string(outcome.attempts.size()), exit_code, signal,
           common::format_number(outcome.duration_s), common::format_number(cpu_s),
           std::to_string(rss), outcome.reason});
    } catch (const common::Error& e) {
      if (!metrics_warned_)
        log_.warn("metrics", std::string("cannot append to metrics: ") + e.what());
      metrics_warned_ = true;
    }
  }

  void interrupted(int signal) override {
    progress_.interrupted(signal);
    log_.log(common::Level::kWarning, "interrupted",
             "interrupted by signal " + std::to_string(signal), json::object{{"signal", signal}});
  }

  void tick() override { progress_.refresh(); }

 private:
  const Session& session_;
  const Dag& dag_;
  std::string run_id_;
  StateLog& state_;
  FileHasher& hasher_;
  common::Logger& log_;
  Progress& progress_;
  std::vector<std::string> environment_;
  std::vector<std::map<std::string, std::string>> inputs_;  // snapshot at the first attempt
  bool metrics_warned_ = false;
};

std::string counts(const RunSummary& summary) {
  const TaskStatus order[] = {TaskStatus::kOk,      TaskStatus::kFailed,      TaskStatus::kStopped,
                              TaskStatus::kSkipped, TaskStatus::kInterrupted, TaskStatus::kNotRun,
                              TaskStatus::kUpToDate};
  std::string out;
  for (TaskStatus status : order) {
    std::size_t n = 0;
    for (const TaskOutcome& o : summary.tasks) n += o.status == status ? 1 : 0;
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + to_string(status);
  }
  return out;
}

// Ninja's "no work to do", in one line.
std::string nothing_to_do_line(std::size_t selected) {
  return "driver: nothing to do: " +
         std::string(selected == 1 ? "the task is"
                                   : "all " + std::to_string(selected) + " tasks are") +
         " up to date";
}

// True when nothing can be written in `workdir` (a read-only mount, or no permission).
bool read_only_dir(const fs::path& workdir) {
  return ::access(workdir.c_str(), W_OK) != 0 && (errno == EROFS || errno == EACCES);
}

// A workspace that cannot be written cannot be locked or logged to; when everything is up
// to date there is nothing to write either, and the run succeeds like Make's would.
// Returns false when some task would run (the caller then fails on the lock as usual).
bool up_to_date_read_only(const Session& session, LinePrinter& printer) {
  common::HashCache cache(common::hash_cache_path(session.state_dir));
  CachedFileHasher hasher(cache);
  StateLog state(session.state_dir);
  std::vector<Decision> plan =
      plan_tasks(session.dag, session.selected, session.forced, state, hasher);
  std::size_t selected = 0;
  for (std::size_t t = 0; t < plan.size(); ++t) {
    if (!session.selected[t]) continue;
    if (plan[t].run) return false;
    ++selected;
  }
  printer.print_line(nothing_to_do_line(selected));
  return true;
}

}  // namespace

int run_command(const DriverOptions& options) {
  auto started_clock = std::chrono::steady_clock::now();
  RunInfo info;
  info.started = common::rfc3339_now();
  Session session = open_session(options);
  const Dag& dag = session.dag;
  info.run_id = !options.run_id.empty() ? options.run_id : common::env_or("PIPELINE_RUN_ID", "");
  if (info.run_id.empty()) info.run_id = common::generate_run_id();
  try {
    common::validate_run_id(info.run_id);
  } catch (const common::Error& e) {
    throw ConfigError(e.what());
  }
  info.jobs = options.jobs > 0
                  ? options.jobs
                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  info.fail_mode = fail_mode_name(options.fail_mode);
  info.argv = options.argv;

  LinePrinter printer;
  std::error_code ec;
  fs::create_directories(dag.workdir, ec);
  if (ec)
    common::throw_system_error("cannot create workdir", dag.workdir, ec.value(),
                               common::FileRole::kOutput);
  if (read_only_dir(dag.workdir) && up_to_date_read_only(session, printer))
    return static_cast<int>(DriverExit::kOk);
  WorkspaceLock lock = WorkspaceLock::acquire(
      dag.workdir, info.run_id,
      options.lock_wait_s > 0 ? to_ms(options.lock_wait_s) : std::chrono::milliseconds(0),
      [&](const LockHolder& holder) {
        printer.print_line("driver: waiting up to " + common::format_number(options.lock_wait_s) +
                           "s for the lock on " + dag.workdir.string() + " (held by pid " +
                           std::to_string(holder.pid) + ", run " + holder.run_id + ")");
      });

  common::Logger log("driver", info.run_id, session.log_dir);
  if (const std::optional<LockHolder>& stale = lock.taken_over()) {
    log.warn("lock_takeover", "took over the lock of " + dag.workdir.string() + " left by pid " +
                                  std::to_string(stale->pid) + " (run " + stale->run_id +
                                  "), which is gone");
    // A driver killed while writing its manifest left the temp file in its own runs/<id>/,
    // which no later run writes: remove it now (kept while a pid still runs).
    // Its tasks died with it (PR_SET_PDEATHSIG), but what they started may run on: stop
    // it before anything starts beside it.
    std::vector<long> stopped = stop_stale_groups(*stale);
    if (!stopped.empty()) {
      log.warn("stale_groups", "stopped " + std::to_string(stopped.size()) +
                                   " process group(s) left running by run " + stale->run_id);
    }
    try {
      common::validate_run_id(stale->run_id);
      common::remove_stale_temp_files(common::manifest_path(session.runs_dir, stale->run_id));
      if (mark_run_interrupted(session.runs_dir, stale->run_id, info.run_id)) {
        log.warn("stale_run", "marked run " + stale->run_id + " interrupted: its driver died");
      }
    } catch (const common::Error&) {
      // A holder record naming no valid run id names no manifest either; a manifest that
      // cannot be read or written stays as it is.
    }
  }
  // Signals are caught from here on: an interrupt while planning stops the run cleanly.
  ProcessRunner runner;
  runner.on_groups_changed([&lock](const std::vector<pid_t>& groups) {
    lock.record_groups(std::vector<long>(groups.begin(), groups.end()));
  });
  common::HashCache cache(common::hash_cache_path(session.state_dir));
  CachedFileHasher hasher(cache);
  // Through the cache: a no-op run should not even initialize OpenSSL.
  info.dag_sha256 = hasher.sha256(fs::absolute(dag.path)).value_or("");
  StateLog state(session.state_dir);
  std::vector<Decision> plan = plan_tasks(dag, session.selected, session.forced, state, hasher);
  std::size_t selected = 0;
  std::size_t to_run = 0;
  for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
    if (!session.selected[t]) continue;
    ++selected;
    to_run += plan[t].run ? 1 : 0;
    log.info("decision",
             dag.tasks[t].name + ": " + (plan[t].run ? "will run: " : "") + plan[t].reason,
             json::object{
                 {"task", dag.tasks[t].name}, {"run", plan[t].run}, {"reason", plan[t].reason}});
  }
  log.info("start",
           "run " + info.run_id + ": " + count_of(selected, "task") + " selected, " +
               std::to_string(to_run) + " to run",
           json::object{{"dag", fs::absolute(dag.path).string()},
                        {"workdir", dag.workdir.string()},
                        {"selected", static_cast<std::int64_t>(selected)},
                        {"to_run", static_cast<std::int64_t>(to_run)},
                        {"jobs", info.jobs}});
  // Tasks merge their entries into the manifest as they run, so it must exist first; a
  // run with nothing to do writes it once at the end (each write is an fsync).
  if (to_run > 0) {
    record_run_start(session, info, plan, hasher);
    info.start_recorded = true;
  }

  Progress progress(printer, dag, selected, session.log_dir);
  RunDelegate delegate(session, info.run_id, state, hasher, log, progress);
  SchedulerOptions scheduler_options;
  scheduler_options.jobs = info.jobs;
  scheduler_options.fail_mode = options.fail_mode;
  scheduler_options.tick =
      printer.smart_terminal() ? std::chrono::milliseconds(500) : std::chrono::milliseconds(0);
  RunSummary summary;
  if (to_run == 0 && !runner.interrupt_pending()) {
    summary.tasks.assign(dag.tasks.size(), TaskOutcome{});
    for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
      if (!session.selected[t]) continue;
      summary.tasks[t] = TaskOutcome{TaskStatus::kUpToDate, plan[t].reason, {}, 0};
    }
  } else {
    Scheduler scheduler(dag, scheduler_options, runner, delegate);
    summary = scheduler.run(session.selected, plan);
  }
  runner.finish();

  std::string status = summary.interrupted ? "interrupted" : summary.failed ? "failed" : "ok";
  info.ended = common::rfc3339_now();
  info.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_clock).count();
  record_run_end(session, info, summary, status, hasher);
  try {
    cache.save();  // after the manifest, which hashes through it too
    state.compact_if_needed();
  } catch (const common::Error& e) {
    log.warn("state", std::string("cannot save the driver's state: ") + e.what());
  }
  if (to_run == 0 && !summary.interrupted) {
    for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
      if (session.selected[t]) delegate.record_task(t, summary.tasks[t]);
    }
  }

  std::error_code proximate_error;
  fs::path manifest = common::manifest_path(session.runs_dir, info.run_id);
  fs::path shown = fs::proximate(manifest, proximate_error);
  if (proximate_error) shown = manifest;
  // Nothing ran: say so in one line (Ninja's "no work to do").
  if (to_run == 0 && !summary.interrupted) {
    printer.print_line(nothing_to_do_line(selected));
  } else {
    for (const std::string& line : format_summary_table(dag, summary.tasks, printer))
      printer.print_line(line);
    printer.print_line("driver: run " + info.run_id + " " + status + " (" + counts(summary) +
                       ") in " + format_seconds(info.duration_s) + "; manifest " + shown.string());
  }
  log.log(status == "ok" ? common::Level::kInfo : common::Level::kError, "end",
          "run " + info.run_id + " " + status + " (" + counts(summary) + ")",
          json::object{{"status", status}, {"duration_s", info.duration_s}}, status);
  if (summary.interrupted) return static_cast<int>(DriverExit::kInterrupted);
  if (summary.failed) return static_cast<int>(DriverExit::kTaskFailed);
  return static_cast<int>(DriverExit::kOk);
}

}  // namespace driver
