#include "common/cli.h"

#include <catch2/catch.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/version.h"
#include "tests/unit/common/scoped_env.h"

using common::Cli;
using common::ProgramInfo;

namespace {

ProgramInfo clean_info() {
  ProgramInfo info;
  info.name = "clean";
  info.summary = "produce an analysis-ready dataset";
  info.usage = "clean --input raw.csv --output clean.csv [options]";
  info.example = "clean --input raw.csv --output clean.csv --delimiter ';'";
  info.epilogue = "Exit codes: 0 ok, 64 usage, 65 bad data.";
  return info;
}

// No PIPELINE_* variable leaks in from the environment the tests run in.
struct CleanEnv {
  ScopedEnv env{{"PIPELINE_RUN_ID", nullptr},
                {"PIPELINE_LOG_DIR", nullptr},
                {"PIPELINE_METRICS_DIR", nullptr},
                {"PIPELINE_RUNS_DIR", nullptr}};
};

bool parse(Cli& cli, std::vector<std::string> args) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return cli.parse(static_cast<int>(argv.size()), argv.data());
}

// Whether `id` looks like "20261127T123456Z-0a1b2c" (std::regex would do, but GCC 12 warns
// falsely about it under the sanitizers).
bool looks_generated(const std::string& id) {
  if (id.size() != 23) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = i == 8    ? c == 'T'
              : i == 15 ? c == 'Z'
              : i == 16 ? c == '-'
              : i > 16  ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                        : c >= '0' && c <= '9';
    if (!ok) return false;
  }
  return true;
}

// Captures std::cout for the lifetime of the object.
class CaptureStdout {
 public:
  CaptureStdout() : old_(std::cout.rdbuf(buffer_.rdbuf())) {}
  ~CaptureStdout() { std::cout.rdbuf(old_); }
  std::string text() const { return buffer_.str(); }

 private:
  std::ostringstream buffer_;
  std::streambuf* old_;
};

}  // namespace

TEST_CASE("the shared flags are parsed", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  REQUIRE(
      parse(cli, {"clean", "--input", "a.csv", "--input", "b.csv", "--output", "out.csv",
                  "--run-id", "run-1", "--log-dir", "L", "--metrics-dir", "M", "--runs-dir", "R"}));
  const common::CommonOptions& o = cli.common();
  CHECK(o.inputs == std::vector<std::string>{"a.csv", "b.csv"});
  CHECK(o.output == "out.csv");
  CHECK(o.run_id == "run-1");
  CHECK(o.log_dir == "L");
  CHECK(o.metrics_dir == "M");
  CHECK(o.runs_dir == "R");
}

TEST_CASE("directories default to logs, metrics and runs with a generated run id", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  REQUIRE(parse(cli, {"clean"}));
  CHECK(cli.common().log_dir == "logs");
  CHECK(cli.common().metrics_dir == "metrics");
  CHECK(cli.common().runs_dir == "runs");
  CHECK(looks_generated(cli.common().run_id));
  CHECK(cli.common().inputs.empty());
  CHECK(cli.common().output.empty());
}

TEST_CASE("environment variables fill in absent flags", "[cli]") {
  ScopedEnv env{{"PIPELINE_RUN_ID", "from-env"},
                {"PIPELINE_LOG_DIR", "/env/logs"},
                {"PIPELINE_METRICS_DIR", "/env/metrics"},
                {"PIPELINE_RUNS_DIR", "/env/runs"}};
  Cli cli(clean_info());
  REQUIRE(parse(cli, {"clean", "--log-dir", "flag-logs"}));
  CHECK(cli.common().run_id == "from-env");
  CHECK(cli.common().log_dir == "flag-logs");
  CHECK(cli.common().metrics_dir == "/env/metrics");
  CHECK(cli.common().runs_dir == "/env/runs");
  CHECK(common::run_id_from_environment() == "from-env");
  CHECK(common::env_or("PIPELINE_LOG_DIR", "x") == "/env/logs");
}

TEST_CASE("empty environment variables count as unset", "[cli]") {
  ScopedEnv env{{"PIPELINE_RUN_ID", ""},
                {"PIPELINE_LOG_DIR", ""},
                {"PIPELINE_METRICS_DIR", nullptr},
                {"PIPELINE_RUNS_DIR", nullptr}};
  Cli cli(clean_info());
  REQUIRE(parse(cli, {"clean"}));
  CHECK(cli.common().log_dir == "logs");
  CHECK(looks_generated(cli.common().run_id));
  CHECK(common::env_or("PIPELINE_LOG_DIR", "fallback") == "fallback");
}

TEST_CASE("an unknown option is a usage error naming it", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  CHECK_THROWS_AS(parse(cli, {"clean", "--bogus"}), common::UsageError);
  Cli again(clean_info());
  CHECK_THROWS_WITH(parse(again, {"clean", "--bogus", "1"}),
                    "unrecognised option '--bogus' (see clean --help)");
}

TEST_CASE("an abbreviated option is unknown, not guessed", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  CHECK_THROWS_WITH(parse(cli, {"clean", "--out", "x.csv"}),
                    "unrecognised option '--out' (see clean --help)");
  Cli again(clean_info());
  CHECK_THROWS_WITH(parse(again, {"clean", "--run", "x"}),
                    "unrecognised option '--run' (see clean --help)");
}

TEST_CASE("a missing value is a usage error naming the option", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  CHECK_THROWS_WITH(parse(cli, {"clean", "--input", "a.csv", "--output"}),
                    "the required argument for option '--output' is missing (see clean --help)");
}

TEST_CASE("a positional argument is a usage error", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  CHECK_THROWS_WITH(parse(cli, {"clean", "raw.csv"}),
                    "too many positional options have been specified on the command line "
                    "(see clean --help)");
}

TEST_CASE("a repeated single-valued option is a usage error", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  CHECK_THROWS_WITH(parse(cli, {"clean", "--output", "a", "--output", "b"}),
                    "option '--output' cannot be specified more than once (see clean --help)");
}

TEST_CASE("an unsafe run id is a usage error", "[cli]") {
  CleanEnv env;
  for (const char* id : {"../etc", "a/b", ".", "..", "with space", "x\n"}) {
    Cli cli(clean_info());
    INFO(id);
    CHECK_THROWS_AS(parse(cli, {"clean", "--run-id", id}), common::UsageError);
  }
  Cli cli(clean_info());
  CHECK_THROWS_WITH(parse(cli, {"clean", "--run-id", "../etc"}),
                    "invalid run id '../etc': expected 1-128 letters, digits, '.', '_' or '-'");
  Cli empty(clean_info());
  CHECK_THROWS_WITH(parse(empty, {"clean", "--run-id", ""}),
                    "invalid run id '': expected 1-128 letters, digits, '.', '_' or '-'");
  CHECK_THROWS_AS(common::validate_run_id(std::string(129, 'a')), common::UsageError);
  CHECK_NOTHROW(common::validate_run_id(std::string(128, 'a')));
  CHECK_NOTHROW(common::validate_run_id("20261127T123456Z-abc123"));
}

TEST_CASE("an unsafe run id from the environment is a usage error", "[cli]") {
  ScopedEnv env{{"PIPELINE_RUN_ID", "a/../b"}};
  Cli cli(clean_info());
  CHECK_THROWS_WITH(parse(cli, {"clean"}),
                    "invalid run id 'a/../b': expected 1-128 letters, digits, '.', '_' or '-'");
}

TEST_CASE("the help flag prints usage, options and an example and returns false", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  cli.options().add_options()("delimiter", boost::program_options::value<std::string>(),
                              "field separator");
  CaptureStdout out;
  CHECK_FALSE(parse(cli, {"clean", "--help"}));
  std::string text = out.text();
  CHECK(text == cli.help_text());
  CHECK(text.rfind("clean - produce an analysis-ready dataset\n\n"
                   "Usage: clean --input raw.csv --output clean.csv [options]\n\n",
                   0) == 0);
  CHECK(text.find("--delimiter arg") != std::string::npos);
  CHECK(text.find("--run-id arg") != std::string::npos);
  CHECK(text.find("Example:\n  clean --input raw.csv --output clean.csv --delimiter ';'\n") !=
        std::string::npos);
  CHECK(text.ends_with("Exit codes: 0 ok, 64 usage, 65 bad data.\n"));
  Cli short_form(clean_info());
  CHECK_FALSE(parse(short_form, {"clean", "-h"}));
}

TEST_CASE("the version flag prints version, commit, compiler and Boost and returns false",
          "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  CaptureStdout out;
  CHECK_FALSE(parse(cli, {"clean", "--version"}));
  CHECK(out.text() == common::version_text("clean"));
  CHECK(out.text().rfind("clean " + common::project_version() + "\ncommit ", 0) == 0);
  CHECK(out.text().find("\nboost 1.81.0\n") != std::string::npos);
  CHECK(out.text().find("\ncompiler ") != std::string::npos);
}

TEST_CASE("a program's own options are parsed with the shared ones", "[cli]") {
  CleanEnv env;
  Cli cli(clean_info());
  cli.options().add_options()("alpha", boost::program_options::value<double>()->default_value(1.0),
                              "ridge penalty");
  REQUIRE(parse(cli, {"clean", "--alpha", "0.5"}));
  CHECK(cli.values()["alpha"].as<double>() == 0.5);
  CHECK(cli.has("alpha"));
  CHECK_FALSE(cli.has("output"));
  Cli bad(clean_info());
  bad.options().add_options()("alpha", boost::program_options::value<double>(), "ridge penalty");
  CHECK_THROWS_WITH(parse(bad, {"clean", "--alpha", "lots"}),
                    "the argument ('lots') for option '--alpha' is invalid (see clean --help)");
}

TEST_CASE("a program without files has no --input or --output", "[cli]") {
  CleanEnv env;
  ProgramInfo info = clean_info();
  info.has_io = false;
  Cli cli(info);
  CHECK_THROWS_WITH(parse(cli, {"clean", "--input", "x"}),
                    "unrecognised option '--input' (see clean --help)");
  CHECK(cli.help_text().find("--input arg") == std::string::npos);
  CHECK(cli.help_text().find("--output arg") == std::string::npos);
}

TEST_CASE("generated run ids are timestamped and differ", "[cli]") {
  std::string a = common::generate_run_id();
  std::string b = common::generate_run_id();
  CHECK(looks_generated(a));
  CHECK(a.starts_with("20"));
  CHECK_FALSE(looks_generated("20261127T123456Z-0a1b2g"));
  CHECK_NOTHROW(common::validate_run_id(a));
  CHECK(a != b);
}
