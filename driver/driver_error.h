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
  common::ExitCode exit_code() const override { return common::ExitCode::kUsage; }
};

// The workdir is locked by another driver (exit 75).
class LockedError : public common::Error {
 public:
  using common::Error::Error;
  common::ExitCode exit_code() const override { return common::ExitCode::kTempFail; }
};

// The driver's exit code for an exception escaping a command: ConfigError and
// common::UsageError give 2, LockedError 75, anything else 70.
int exit_code_for(const std::exception& error);

}  // namespace driver
