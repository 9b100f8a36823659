#pragma once

#include <string>

#include "driver/driver_options.h"
#include "driver/session.h"

namespace driver {

// The shell command, copy-pasteable from any directory, that reruns this driver on this
// dag: the driver's absolute path and `--dag` with the dag's absolute path, each quoted.
// Tasks get it as $PIPELINE_DRIVER_COMMAND so that a message like clean's schema drift can
// print "<it> approve-schema clean" instead of a command that works only from the workdir.
std::string driver_command(const Session& session);

// driver approve-schema [TASK]: reruns TASK's command (by default the one task whose cmd
// has --schema FILE) with --write-schema FILE added, in the workdir, with the session's
// log, metrics and runs directories and under the workdir lock, so that the approval
// writes nothing anywhere a run would not. Returns the task's exit code.
int approve_schema_command(const DriverOptions& options);

}  // namespace driver
