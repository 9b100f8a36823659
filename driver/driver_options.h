#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "driver/scheduler.h"

namespace driver {

enum class Subcommand { kRun, kValidate, kStatus, kGraph, kVerify, kApproveSchema };
enum class GraphFormat { kDot, kMermaid };

// Everything `driver` accepts on its command line (docs/driver.md).
struct DriverOptions {
  Subcommand command = Subcommand::kRun;
  std::filesystem::path dag = "dag.json";         // --dag
  std::vector<std::string> tasks;                 // positional TASK arguments (run, status)
  std::string verify_run_id;                      // driver verify RUN_ID
  int jobs = 0;                                   // -j; 0: the number of cores
  FailMode fail_mode = FailMode::kFinishRunning;  // --fail-fast[=kill], --keep-going
  bool force = false;                             // --force
  bool dry_run = false;                           // --dry-run, -n
  std::string from;                               // --from TASK
  std::string until;                              // --until TASK
  double lock_wait_s = 0;                         // --lock-wait SECONDS
  std::string run_id;                             // --run-id; else $PIPELINE_RUN_ID or a new one
  std::filesystem::path log_dir;      // --log-dir; else $PIPELINE_LOG_DIR or <dag dir>/logs
  std::filesystem::path metrics_dir;  // --metrics-dir; likewise
  std::filesystem::path runs_dir;     // --runs-dir; likewise
  GraphFormat graph_format = GraphFormat::kDot;  // --format
  std::vector<std::string> argv;                 // the whole command line, for the manifest
};

// Parses the command line. Returns nullopt after printing --help or --version to stdout.
// Throws ConfigError for a usage error (exit 2), e.g.
//   unrecognised option '--jobz' (see driver --help)
std::optional<DriverOptions> parse_driver_options(int argc, const char* const* argv);

std::string driver_help_text();

// The subcommand names (run, status, ...), for "did you mean" on a mistyped one.
std::vector<std::string> subcommand_names();

}  // namespace driver
