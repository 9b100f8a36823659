#pragma once

// The vocabulary of how a task ends, shared by the scheduler that decides it and everything
// that reports it (progress, summary table, manifest, metrics, logs).
namespace driver {

enum class TaskStatus {
  kNotSelected,  // outside the selection: not considered
  kPending,      // selected, not finished (never final)
  kUpToDate,     // its checkpoint matched: not run
  kOk,           // ran and produced its outputs
  kFailed,       // its last attempt failed
  kSkipped,      // a task it needs failed
  kNotRun,       // never started: the run stopped first (fail-fast or interrupt)
  kStopped,      // stopped by --fail-fast=kill
  kInterrupted,  // running (or waiting to retry) when SIGINT/SIGTERM arrived
};
// For people: "up to date", "ok", "failed", "skipped", "not run", "stopped", ...
const char* to_string(TaskStatus status);
// For machines (manifest, metrics, logs): "up_to_date", "ok", "failed", "not_run", ...
const char* status_id(TaskStatus status);

}  // namespace driver
