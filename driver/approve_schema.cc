#include "driver/approve_schema.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "common/cli.h"
#include "common/error.h"
#include "driver/driver_error.h"
#include "driver/workspace_lock.h"

namespace fs = std::filesystem;

namespace driver {

namespace {

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr("_-./=:,+@%", c) != nullptr;
    plain = plain && ok;
  }
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The value of --schema in `cmd` ("--schema FILE" or "--schema=FILE"), or "".
std::string schema_of(const std::vector<std::string>& cmd) {
  for (std::size_t i = 1; i < cmd.size(); ++i) {
    if (cmd[i] == "--schema" && i + 1 < cmd.size()) return cmd[i + 1];
    if (cmd[i].rfind("--schema=", 0) == 0) return cmd[i].substr(9);
  }
  return "";
}

std::size_t approving_task(const Dag& dag, const std::vector<std::string>& names) {
  if (names.size() > 1)
    throw ConfigError("usage: driver approve-schema [TASK] (see driver --help)");
  if (names.size() == 1) {
    std::size_t t = dag.find(names.front());
    if (t == dag.tasks.size()) throw ConfigError("unknown task '" + names.front() + "'");
    if (schema_of(dag.tasks[t].cmd).empty()) {
      throw ConfigError("task '" + names.front() + "' has no --schema FILE in its cmd");
    }
    return t;
  }
  std::vector<std::size_t> found;
  for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
    if (!schema_of(dag.tasks[t].cmd).empty()) found.push_back(t);
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) throw ConfigError("no task has --schema FILE in its cmd");
  std::string list;
  for (std::size_t t : found) list += (list.empty() ? "" : ", ") + dag.tasks[t].name;
  throw ConfigError("several tasks check a schema (" + list +
                    "): name one, driver approve-schema TASK");
}

}  // namespace

std::string driver_command(const Session& session) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::string program = ec ? std::string("driver") : self.string();
  return shell_quote(program) + " --dag " +
         shell_quote(fs::absolute(session.dag.path).lexically_normal().string());
}

int approve_schema_command(const DriverOptions& options) {
  DriverOptions all = options;
  all.tasks.clear();  // the TASK argument names the approver, not a selection
  Session session = open_session(all);
  const Task& task = session.dag.tasks[approving_task(session.dag, options.tasks)];
  std::vector<std::string> argv = task.cmd;
  argv.push_back("--write-schema");
  argv.push_back(schema_of(task.cmd));

  WorkspaceLock lock = WorkspaceLock::acquire(
      session.dag.workdir, common::env_or("PIPELINE_RUN_ID", ""), std::chrono::milliseconds(0));
  std::cerr << "driver: approving the schema of task " << task.name << ": " << argv.back()
            << " (in " << session.dag.workdir.string() << ")\n";
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw common::Error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    if (chdir(session.dag.workdir.c_str()) != 0) _exit(127);
    setenv("PIPELINE_LOG_DIR", session.log_dir.c_str(), 1);
    setenv("PIPELINE_METRICS_DIR", session.metrics_dir.c_str(), 1);
    setenv("PIPELINE_RUNS_DIR", session.runs_dir.c_str(), 1);
    setenv("PIPELINE_TASK", task.name.c_str(), 1);
    unsetenv("PIPELINE_DRIVER_COMMAND");
    execv(task.program.c_str(), args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace driver
