#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/test_util.h"

namespace reliability {

// The files of a finished pipeline run that must not depend on the run (SPEC section 2),
// relative to the workdir, with their bytes.
using Outputs = std::map<std::string, std::string>;

// The chain's deterministic outputs in `workdir` (absent files are left out).
Outputs read_outputs(const std::filesystem::path& workdir);

// A project like a user's checkout: data/ (the 20,000-row sample, or `raw_csv` instead),
// templates/, notes/ and dag.json (tests/data/kill_dag.json: the five tasks, save
// --no-serve) in a fresh temp directory; tasks run in work/.
class Project {
 public:
  explicit Project(const std::string& raw_csv = "");
  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path work() const { return dir_ / "work"; }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }

  // `driver run --dag dag.json` plus `args`, here, with PIPELINE_* cleared.
  test_util::ProcessResult run(const std::vector<std::string>& args = {}) const;
  std::vector<std::string> driver_argv(const std::vector<std::string>& args = {}) const;

 private:
  test_util::TempDir dir_;
};

// A process started in the background with stdout and stderr going to `capture`.out and
// `capture`.err, in `cwd`, with clean_env(). Returns its pid.
int spawn(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
          const std::filesystem::path& capture);

// Waits for a spawned process; its exit code, or 128 + signal.
int wait_exit(int pid);

// The pid of a process that no longer runs (a child that exited and was reaped), to name
// the writer of a temp file that a killed process left.
int dead_pid();

// Every record of a JSON Lines log; fails the test on a line that does not parse.
std::vector<boost::json::object> log_records(const std::filesystem::path& log);

// The records of `log` whose "event" is `event`.
std::vector<boost::json::object> events(const std::filesystem::path& log, const std::string& event);

// Names of files under `dir` (recursively) that look like a task's temp file (".tmp-").
std::vector<std::string> temp_files(const std::filesystem::path& dir);

// The environment a test's processes start from: PIPELINE_* variables cleared, so a
// developer's shell cannot change what a test sees. Extra variables are appended.
test_util::EnvVars clean_env(const test_util::EnvVars& extra = {});

// The last line of `text` (without its newline).
std::string last_line(const std::string& text);

}  // namespace reliability
