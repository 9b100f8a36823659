#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace driver {

// The dag.json format version this driver reads (docs/dag.md). A file with a larger
// version is rejected: it may mean something this driver would silently get wrong.
inline constexpr int kDagVersion = 1;

// The longest duration dag.json may give (timeout_s, kill_grace_s, delay_s, max_delay_s):
// 30 days. Longer ones are refused by the loader (docs/dag.md), so that no clock arithmetic
// can overflow; to_milliseconds() saturates at it for any other caller.
inline constexpr double kMaxDurationS = 30.0 * 24 * 3600;

// The longest task name: the name is part of file names (logs/<task>.attempt-N.out), and
// 128 characters plus the longest suffix stays well inside NAME_MAX (255) on every file
// system the driver supports.
inline constexpr std::size_t kMaxTaskNameLength = 128;

// `seconds` as milliseconds, clamped to [0, kMaxDurationS] (NaN is 0), never overflowing.
std::chrono::milliseconds to_milliseconds(double seconds);

// How a failed attempt is retried. Pauses grow as delay_s * backoff^(k-1) before retry k,
// are capped at max_delay_s, and lose a deterministic fraction up to `jitter`
// (retry_policy.h).
struct RetryPolicy {
  int n_tries = 1;                         // attempts in all, at least 1
  double delay_s = 0.2;                    // pause before the first retry
  double backoff = 2.0;                    // factor applied to the pause for each further retry
  double max_delay_s = 30.0;               // cap on any pause
  double jitter = 0.1;                     // largest fraction removed from a pause, in [0, 1]
  std::vector<int> retry_on_exit{74, 75};  // exit codes worth another attempt
  bool retry_on_timeout = true;            // retry an attempt killed at its timeout
  bool retry_on_signal = true;             // retry an attempt killed by a signal not sent by us
};

// One task of the DAG, as declared, plus the paths the loader resolved.
struct Task {
  std::string name;                  // unique; letters, digits, '_', '-', '.'
  std::string description;           // optional, for humans
  std::vector<std::string> cmd;      // argv; cmd[0] is a program name or a path
  std::vector<std::string> inputs;   // as declared, relative to the workdir
  std::vector<std::string> outputs;  // as declared, relative to the workdir
  std::vector<std::string> deps;     // declared dependencies (task names)
  RetryPolicy retry;                 // defaults merged with the task's own keys
  double timeout_s = 0;              // 0: no timeout
  double kill_grace_s = 5;           // SIGTERM → SIGKILL grace when stopping the task
  std::string service_pid_file;      // pid file of a service the task keeps running ("": none)
  // Runs every time: its inputs are not all files the driver can hash (a URL). What needs
  // it reruns only when its outputs changed (the recheck after it ran).
  bool always_run = false;

  std::filesystem::path program;                    // cmd[0] resolved to an absolute path
  std::vector<std::filesystem::path> input_files;   // absolute, lexically normal
  std::vector<std::filesystem::path> output_files;  // absolute, lexically normal
  std::filesystem::path service_pid_path;           // absolute; empty without service_pid_file
};

// A loaded, validated DAG: no cycle, no unknown dependency, every output claimed once.
struct Dag {
  int version = kDagVersion;
  std::filesystem::path path;     // dag.json as the user named it (for messages)
  std::filesystem::path dir;      // absolute directory holding dag.json
  std::filesystem::path workdir;  // absolute; tasks run here
  std::vector<Task> tasks;        // in declaration order
  // needs[i]: indices of the tasks task i needs (declared deps and producers of its
  // inputs), sorted and unique.
  std::vector<std::vector<std::size_t>> needs;
  // The files behind each implied edge: (task, needed task) → inputs it reads from it.
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> edge_files;

  // Index of the task called `name`, or tasks.size() when there is none.
  std::size_t find(const std::string& name) const;
};

}  // namespace driver
