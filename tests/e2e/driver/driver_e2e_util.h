#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_util.h"

namespace driver_e2e {

// A temp project for the real driver binary: dag.json at the top, tasks running in work/.
class Project {
 public:
  Project();
  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }

  // Writes dag.json: version 1, workdir "work", `defaults` (JSON object text) and the tasks
  // (JSON array elements, joined with ",\n").
  void write_dag(const std::vector<std::string>& tasks, const std::string& defaults = "{}");

  // Runs the driver here with `args`, NO_COLOR set and PIPELINE_* cleared.
  test_util::ProcessResult driver(const std::vector<std::string>& args,
                                  const test_util::EnvVars& env = {}) const;

  std::string read(const std::string& relative) const {
    return test_util::read_text(dir_ / relative);
  }
  void write(const std::string& relative, const std::string& text) const {
    test_util::write_text(dir_ / relative, text);
  }
  bool exists(const std::string& relative) const {
    return std::filesystem::exists(dir_ / relative);
  }

 private:
  test_util::TempDir dir_;
};

// A task as dag.json text: {"name": ..., "cmd": ["sh", "-c", script], ...extra keys}.
std::string shell_task(const std::string& name, const std::string& script,
                       const std::vector<std::string>& inputs,
                       const std::vector<std::string>& outputs, const std::string& extra = "");

// A driver started in the background, so a test can signal it or race another one.
class Background {
 public:
  Background(const Project& project, const std::vector<std::string>& args);
  ~Background();  // kills a driver still running
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Waits (up to 20 s) until the driver's stderr so far contains `text`.
  bool wait_for_stderr(const std::string& text) const;
  // Waits for the driver to exit; stdout and stderr as captured.
  test_util::ProcessResult wait();

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  test_util::TempDir capture_;
};

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix);

// JSON string escaping for a shell script embedded in dag.json.
std::string json_string(const std::string& text);

}  // namespace driver_e2e
