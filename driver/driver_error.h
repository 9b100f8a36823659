#pragma once

#include <string>

#include "common/error.h"

namespace driver {

// The driver's exit codes (SPEC section 6). They differ from the task programs'
// sysexits codes: the driver reports on a whole run, not on one step.
enum class DriverExit : int {
  kOk = 0,             // every selected task ok or up to date
  kTaskFailed = 1,     // a task failed for good (or `driver verify` found a change)
  kConfig = 2,         // usage or dag.json error; nothing was started
  kSoftware = 70,      // the driver itself failed (cannot write its state or logs)
  kLocked = 75,        // another driver holds the workdir lock
  kInterrupted = 130,  // SIGINT or SIGTERM
};

// A usage or dag.json problem found before anything runs (exit 2). The message carries
// "dag.json:LINE:COL: " where a place is known.
class ConfigError : public common::Error {
 public:
  using common::Error::Error;
  common::FailureKind kind() const override { return common::FailureKind::kUsage; }
};

// The workdir is locked by another driver (exit 75).
class LockedError : public common::Error {
 public:
  using common::Error::Error;
  common::FailureKind kind() const override { return common::FailureKind::kLocked; }
};

// The driver's table from failure kinds to its exit codes, for a failure escaping a command
// (common::describe_failure): kUsage (ConfigError, common::UsageError, an option parsing
// error) gives 2, kLocked (LockedError) 75, every other kind 70. The task programs' table is
// common::exit_code_for; the two are named apart so neither call is ambiguous by ADL.
DriverExit driver_exit_code(common::FailureKind kind);

}  // namespace driver
