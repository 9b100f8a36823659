#pragma once

#include "driver/driver_options.h"

namespace driver {

// Each returns the driver's exit code (DriverExit) and throws ConfigError/LockedError for
// the problems that stop it before anything runs.

// driver [run] [TASK...]: runs what is selected and out of date (run_command.cc).
int run_command(const DriverOptions& options);
// driver status, driver run --dry-run: the plan with a reason per task.
int status_command(const DriverOptions& options);
// driver validate: loads dag.json and reports "dag.json: ok (5 tasks, 6 dependencies)".
int validate_command(const DriverOptions& options);
// driver graph: dot or Mermaid on stdout.
int graph_command(const DriverOptions& options);
// driver verify RUN_ID (verify_command.cc).
int verify_command(const DriverOptions& options);

// The whole program: parses argv, runs the subcommand, prints "driver: <message>" for an
// error and maps it to an exit code. Never throws.
int driver_main(int argc, const char* const* argv);

}  // namespace driver
