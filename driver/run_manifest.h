#pragma once

#include <string>
#include <vector>

#include "driver/scheduler.h"
#include "driver/session.h"
#include "driver/up_to_date.h"

namespace driver {

// Facts about the run that the manifest records.
struct RunInfo {
  std::string run_id;
  std::string started;  // RFC 3339
  std::string ended;    // RFC 3339, set before record_run_end
  double duration_s = 0;
  std::vector<std::string> argv;  // the driver's own command line
  int jobs = 1;
  std::string fail_mode;        // "finish", "kill" or "keep-going"
  std::string dag_sha256;       // of dag.json's bytes
  bool start_recorded = false;  // record_run_start() was called
};

// The driver's part of runs/<run_id>/manifest.json (docs/manifest.md). The task programs
// merge their own entries into the same file under its lock (common::update_manifest);
// the driver sets its keys and fills only the task keys a task did not write itself, so
// neither side clobbers the other.
//
// At the start: started, status "running", dag {path, sha256}, workdir, git_sha,
// environment (with the sha256 of the driver and of every program the selected tasks use)
// and each selected task's plan.
void record_run_start(const Session& session, const RunInfo& info,
                      const std::vector<Decision>& plan, FileHasher& hasher);

// A run whose driver died (its lock was taken over by `by_run_id`) stays "running" in its
// manifest: mark it, and its pending tasks, "interrupted". Does nothing when it has no
// manifest in `runs_dir` or is not "running". Returns whether it changed the manifest.
bool mark_run_interrupted(const std::filesystem::path& runs_dir, const std::string& run_id,
                          const std::string& by_run_id);

// At the end (also the start's keys when record_run_start was skipped): ended, status ("ok",
// "failed" or "interrupted"), and per task its status, reason, attempts (count), attempt_details
// (exit code or signal, duration, CPU time, peak RSS, output file), and argv, inputs and outputs
// with sha256 when the task did not record them.
void record_run_end(const Session& session, const RunInfo& info, const RunSummary& summary,
                    const std::string& status, FileHasher& hasher);

}  // namespace driver
