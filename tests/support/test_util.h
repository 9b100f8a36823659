#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace test_util {

// A fresh directory under the system temp dir, removed with everything in it on
// destruction (kept when PIPELINE_KEEP_TEST_DIRS is set, for debugging).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// How a child process ended and what it printed.
struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
};

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Runs argv (argv[0] looked up on PATH unless it contains a '/') in `cwd` with the
// current environment plus `env` (an empty value unsets the variable), stdout and stderr
// captured through files, and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const EnvVars& env = {});

// Absolute path of a program built by this project (build/<preset>/bin/<name>).
std::filesystem::path bin(const std::string& name);

// Absolute path of a file in the source tree.
std::filesystem::path source(const std::string& relative);

// ../shared/data/housing.csv when it exists (CI), otherwise nullopt; tests that need it
// call SKIP-style handling through require_housing().
std::optional<std::filesystem::path> housing_csv();

// A child process running in the background, killed (SIGTERM, then SIGKILL) and reaped
// on destruction unless it was waited for. Output goes to files in `cwd`.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                    const EnvVars& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  int pid() const { return pid_; }
  // Sends `signal` to the process.
  void signal(int signal);
  // Waits for the exit; returns the exit code (128 + signal when killed).
  int wait();

 private:
  int pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// A tmpfs of `bytes` mounted on `dir` (created), unmounted on destruction. Mounting needs
// root (CAP_SYS_ADMIN); mounted() is false when it was not allowed, and tests then skip
// with a visible warning.
class ScopedTmpfs {
 public:
  ScopedTmpfs(const std::filesystem::path& dir, std::size_t bytes);
  ~ScopedTmpfs();
  ScopedTmpfs(const ScopedTmpfs&) = delete;
  ScopedTmpfs& operator=(const ScopedTmpfs&) = delete;
  bool mounted() const { return mounted_; }
  // Remounts read-only; returns false when not allowed.
  bool make_read_only();

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// Waits until something accepts connections on 127.0.0.1:port; false after `seconds`.
bool wait_for_port(int port, double seconds);

void write_text(const std::filesystem::path& path, const std::string& content);
std::string read_text(const std::filesystem::path& path);

// Lines of a text file (without their newlines).
std::vector<std::string> read_lines(const std::filesystem::path& path);

}  // namespace test_util

// Skips the rest of a test case with a visible message when the real housing data is not
// there (a user's fresh clone without ../shared). Catch2 2.13 has no SKIP: the case passes
// with a WARN that ctest prints.
#define REQUIRE_HOUSING_OR_SKIP(var)                                         \
  auto var##_opt = test_util::housing_csv();                                 \
  if (!var##_opt) {                                                          \
    WARN("SKIPPED: ../shared/data/housing.csv not found (runs in CI only)"); \
    return;                                                                  \
  }                                                                          \
  const std::filesystem::path var = *var##_opt
