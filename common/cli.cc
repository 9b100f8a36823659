#include "common/cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>

#include "common/error.h"
#include "common/message.h"
#include "common/version.h"

namespace po = boost::program_options;

namespace common {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string generate_run_id() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device device;
  unsigned suffix = (device() ^ static_cast<unsigned>(getpid())) & 0xffffffu;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s-%06x", stamp, suffix);
  return buffer;
}

void validate_run_id(const std::string& run_id) {
  bool ok = !run_id.empty() && run_id.size() <= 128 && run_id != "." && run_id != "..";
  for (char c : run_id) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    throw UsageError("invalid run id '" + run_id +
                     "': expected 1-128 letters, digits, '.', '_' or '-'");
  }
}

std::string run_id_from_environment() { return env_or("PIPELINE_RUN_ID", generate_run_id()); }

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  namespace fs = std::filesystem;
  auto normal = [](const fs::path& p) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(fs::absolute(p, ec), ec);
    return ec ? fs::absolute(p).lexically_normal() : resolved;
  };
  if (normal(a) == normal(b)) return true;
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

namespace {

// The values of option `name` as paths (a string or a repeatable string option).
std::vector<std::string> option_paths(const po::variables_map& values, const std::string& name) {
  if (!values.count(name)) return {};
  const boost::any& value = values[name].value();
  if (const auto* one = boost::any_cast<std::string>(&value)) return {*one};
  if (const auto* many = boost::any_cast<std::vector<std::string>>(&value)) return *many;
  return {};
}

}  // namespace

Cli::Cli(ProgramInfo info)
    : info_(std::move(info)), common_options_("Common options"), task_options_("Options") {
  auto add = common_options_.add_options();
  if (info_.has_io) {
    add("input", po::value<std::vector<std::string>>()->composing(), "input file (repeatable)");
    add("output", po::value<std::string>(), "output file");
  }
  add("run-id", po::value<std::string>(), "run id (default: $PIPELINE_RUN_ID or a new one)");
  add("log-dir", po::value<std::string>(),
      "JSONL log directory (default: $PIPELINE_LOG_DIR or logs)");
  add("metrics-dir", po::value<std::string>(),
      "metrics CSV directory (default: $PIPELINE_METRICS_DIR or metrics)");
  add("runs-dir", po::value<std::string>(),
      "run manifest directory (default: $PIPELINE_RUNS_DIR or runs)");
  add("help,h", "print this help and exit");
  add("version", "print version, git commit, compiler and Boost version, and exit");
}

void Cli::refuse_output_among_inputs() const {
  if (common_.output.empty()) return;
  std::vector<std::pair<std::string, std::string>> inputs;  // flag, path
  for (const std::string& path : common_.inputs) inputs.emplace_back("input", path);
  for (const std::string& flag : info_.input_options) {
    for (const std::string& path : option_paths(values_, flag)) inputs.emplace_back(flag, path);
  }
  for (const auto& [flag, path] : inputs) {
    if (!same_file(common_.output, path)) continue;
    throw UsageError("--output " + quote_for_message(common_.output) + " is also an input (--" +
                     flag + " " + quote_for_message(path) +
                     "): writing it would destroy what is read; choose another output path");
  }
}

std::string Cli::help_text() const {
  std::ostringstream out;
  out << info_.name << " - " << info_.summary << "\n\nUsage: " << info_.usage << "\n\n";
  if (!task_options_.options().empty()) out << task_options_ << '\n';
  out << common_options_ << '\n';
  if (!info_.example.empty()) out << "Example:\n  " << info_.example << "\n\n";
  if (!info_.epilogue.empty()) out << info_.epilogue << '\n';
  return out.str();
}

bool Cli::parse(int argc, const char* const* argv) {
  po::options_description all;
  all.add(task_options_).add(common_options_);
  try {
    // No positional arguments: anything that is not an option is an error. No guessing
    // either: by default Boost takes "--out" for "--output", which breaks the day an
    // option with the same prefix is added, so only exact names are accepted.
    po::store(
        po::command_line_parser(argc, argv)
            .options(all)
            .positional({})
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run(),
        values_);
    po::notify(values_);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see " + info_.name + " --help)");
  }
  if (values_.count("help")) {
    std::cout << help_text();
    return false;
  }
  if (values_.count("version")) {
    std::cout << version_text(info_.name);
    return false;
  }
  auto pick = [&](const char* flag, const char* env, const std::string& fallback) {
    if (values_.count(flag)) return values_[flag].as<std::string>();
    return env_or(env, fallback);
  };
  common_.run_id = pick("run-id", "PIPELINE_RUN_ID", "");
  // An empty environment variable counts as unset; an explicit `--run-id ""` is invalid.
  if (common_.run_id.empty() && !values_.count("run-id")) common_.run_id = generate_run_id();
  validate_run_id(common_.run_id);
  common_.log_dir = pick("log-dir", "PIPELINE_LOG_DIR", "logs");
  common_.metrics_dir = pick("metrics-dir", "PIPELINE_METRICS_DIR", "metrics");
  common_.runs_dir = pick("runs-dir", "PIPELINE_RUNS_DIR", "runs");
  if (info_.has_io) {
    if (values_.count("input")) common_.inputs = values_["input"].as<std::vector<std::string>>();
    if (values_.count("output")) common_.output = values_["output"].as<std::string>();
    refuse_output_among_inputs();
  }
  return true;
}

}  // namespace common
