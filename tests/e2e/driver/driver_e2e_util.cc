#include "tests/e2e/driver/driver_e2e_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace driver_e2e {

namespace {

const test_util::EnvVars kCleanEnv{{"NO_COLOR", "1"},         {"PIPELINE_RUN_ID", ""},
                                   {"PIPELINE_LOG_DIR", ""},  {"PIPELINE_METRICS_DIR", ""},
                                   {"PIPELINE_RUNS_DIR", ""}, {"PIPELINE_FAILPOINTS", ""}};

}  // namespace

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

namespace {

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + json_string(items[i]);
  return out + "]";
}

}  // namespace

std::string shell_task(const std::string& name, const std::string& script,
                       const std::vector<std::string>& inputs,
                       const std::vector<std::string>& outputs, const std::string& extra) {
  return "    {\"name\": " + json_string(name) + ", \"cmd\": [\"sh\", \"-c\", " +
         json_string(script) + "],\n     \"inputs\": " + json_list(inputs) +
         ", \"outputs\": " + json_list(outputs) + (extra.empty() ? "" : ", " + extra) + "}";
}

Project::Project() { fs::create_directories(dir_ / "work"); }

void Project::write_dag(const std::vector<std::string>& tasks, const std::string& defaults) {
  std::string text = "{\n  \"version\": 1,\n  \"workdir\": \"work\",\n  \"defaults\": " + defaults +
                     ",\n  \"tasks\": [\n";
  for (std::size_t i = 0; i < tasks.size(); ++i) text += (i ? ",\n" : "") + tasks[i];
  text += "\n  ]\n}\n";
  write("dag.json", text);
}

test_util::ProcessResult Project::driver(const std::vector<std::string>& args,
                                         const test_util::EnvVars& env) const {
  std::vector<std::string> argv{test_util::bin("driver").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  test_util::EnvVars all = kCleanEnv;
  all.insert(all.end(), env.begin(), env.end());
  return test_util::run_process(argv, dir_.path(), all);
}

Background::Background(const Project& project, const std::vector<std::string>& args) {
  fs::path out = capture_ / "stdout";
  fs::path err = capture_ / "stderr";
  std::string driver = test_util::bin("driver").string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0 || ::chdir(project.path().c_str()) != 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    for (const auto& [name, value] : kCleanEnv) {
      if (value.empty()) {
        ::unsetenv(name.c_str());
      } else {
        ::setenv(name.c_str(), value.c_str(), 1);
      }
    }
    std::vector<char*> argv{const_cast<char*>(driver.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::execv(driver.c_str(), argv.data());
    ::_exit(127);
  }
}

Background::~Background() {
  if (waited_ || pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

void Background::signal(int sig) const { ::kill(pid_, sig); }

bool Background::wait_for_stderr(const std::string& text) const {
  for (int i = 0; i < 2000; ++i) {
    try {
      if (test_util::read_text(capture_ / "stderr").find(text) != std::string::npos) return true;
    } catch (const std::exception&) {
      // Not created yet.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

test_util::ProcessResult Background::wait() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
  }
  waited_ = true;
  test_util::ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = test_util::read_text(capture_ / "stdout");
  result.err = test_util::read_text(capture_ / "stderr");
  return result;
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

}  // namespace driver_e2e
