#include "tests/e2e/reliability/reliability_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>

#include "common/json_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace reliability {

Outputs read_outputs(const fs::path& workdir) {
  Outputs outputs;
  for (const char* name : {"raw.csv", "clean.csv", "trained.pkl", "flask_api_running.txt",
                           "report.md", "report_pred_vs_actual.svg", "report_residuals.svg"}) {
    if (fs::exists(workdir / name)) outputs[name] = test_util::read_text(workdir / name);
  }
  return outputs;
}

test_util::EnvVars clean_env(const test_util::EnvVars& extra) {
  test_util::EnvVars env;
  for (const char* name :
       {"PIPELINE_RUN_ID", "PIPELINE_LOG_DIR", "PIPELINE_METRICS_DIR", "PIPELINE_RUNS_DIR",
        "PIPELINE_FAILPOINTS", "PIPELINE_TASK", "PIPELINE_ATTEMPT"}) {
    env.emplace_back(name, "");
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

Project::Project(const std::string& raw_csv) {
  fs::create_directories(dir_ / "work");
  for (const char* d : {"data", "templates", "notes"}) {
    fs::copy(test_util::source(d), dir_ / d, fs::copy_options::recursive);
  }
  if (!raw_csv.empty()) test_util::write_text(dir_ / "data" / "raw.csv", raw_csv);
  fs::copy_file(test_util::source("tests/data/kill_dag.json"), dir_ / "dag.json");
}

std::vector<std::string> Project::driver_argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{test_util::bin("driver").string(), "run", "--dag",
                                (dir_ / "dag.json").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

test_util::ProcessResult Project::run(const std::vector<std::string>& args) const {
  return test_util::run_process(driver_argv(args), dir_.path(), clean_env());
}

int spawn(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& capture) {
  std::string out = capture.string() + ".out";
  std::string err = capture.string() + ".err";
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    for (const auto& [name, value] : clean_env()) ::unsetenv(name.c_str());
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int dead_pid() {
  int pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(0);
  wait_exit(pid);
  return pid;
}

std::vector<json::object> log_records(const fs::path& log) {
  std::vector<json::object> records;
  for (const std::string& line : test_util::read_lines(log)) {
    INFO(log.string() << ": " << line);
    json::value v;
    REQUIRE_NOTHROW(v = common::parse_json(line, log.string()));
    REQUIRE(v.is_object());
    records.push_back(v.as_object());
  }
  return records;
}

std::vector<json::object> events(const fs::path& log, const std::string& event) {
  std::vector<json::object> found;
  for (json::object& record : log_records(log)) {
    if (record["event"] == json::value(event)) found.push_back(std::move(record));
  }
  return found;
}

std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  std::size_t start = trimmed.rfind('\n');
  return start == std::string::npos ? trimmed : trimmed.substr(start + 1);
}

}  // namespace reliability
