#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace common {

// The flags every program shares (SPEC section 2).
struct CommonOptions {
  std::vector<std::string> inputs;                // --input, repeatable
  std::string output;                             // --output
  std::string run_id;                             // --run-id, PIPELINE_RUN_ID, or generated
  std::filesystem::path log_dir = "logs";         // --log-dir, PIPELINE_LOG_DIR
  std::filesystem::path metrics_dir = "metrics";  // --metrics-dir, PIPELINE_METRICS_DIR
  std::filesystem::path runs_dir = "runs";        // --runs-dir, PIPELINE_RUNS_DIR
};

// What `--help` says about a program.
struct ProgramInfo {
  std::string name;      // "clean"
  std::string summary;   // one line: what the program does
  std::string usage;     // "clean --input raw.csv --output clean.csv [options]"
  std::string example;   // a complete example invocation
  std::string epilogue;  // exit codes and notes, printed after the options
  bool has_io = true;    // whether --input/--output exist
  // The program's own options that name files it reads ("model" for --model): with
  // --input, what --output may not be (Cli::parse refuses it, exit 64).
  std::vector<std::string> input_options = {};
};

// Whether `a` and `b` name one file: the same path once made absolute and its symbolic
// links resolved, or the same device and inode.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// Parses the shared flags plus the program's own options (added through options()).
// Unknown options, positional arguments and missing values throw UsageError, and so does
// an --output that is one of the program's inputs (--input or an input option): writing
// it would destroy the data being read, so nothing is written.
class Cli {
 public:
  explicit Cli(ProgramInfo info);

  // The program's own options; add to it before parse().
  boost::program_options::options_description& options() { return task_options_; }

  // Returns false when --help or --version was printed to stdout (the caller exits 0).
  bool parse(int argc, const char* const* argv);

  const CommonOptions& common() const { return common_; }
  const boost::program_options::variables_map& values() const { return values_; }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string help_text() const;

 private:
  void refuse_output_among_inputs() const;

  ProgramInfo info_;
  boost::program_options::options_description common_options_;
  boost::program_options::options_description task_options_;
  boost::program_options::variables_map values_;
  CommonOptions common_;
};

// A new run id: "<UTC yyyymmddThhmmssZ>-<6 hex digits>".
std::string generate_run_id();

// Throws UsageError unless `run_id` is a safe directory name (letters, digits, . _ -).
void validate_run_id(const std::string& run_id);

// The run id from PIPELINE_RUN_ID, or a generated one.
std::string run_id_from_environment();

// The value of environment variable `name`, or `fallback` when unset or empty.
std::string env_or(const char* name, const std::string& fallback);

}  // namespace common
