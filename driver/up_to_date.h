#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/hash_cache.h"
#include "driver/dag.h"
#include "driver/task_state.h"

namespace driver {

// Hashes files for the up-to-date check.
class FileHasher {
 public:
  virtual ~FileHasher() = default;
  // SHA-256 of `path`, or nullopt when it does not exist. Throws common::Error otherwise.
  virtual std::optional<std::string> sha256(const std::filesystem::path& path) = 0;
};

// A FileHasher over common::HashCache: unchanged files (same size, mtime, inode) are not
// read again, so a no-op run hashes nothing.
class CachedFileHasher : public FileHasher {
 public:
  explicit CachedFileHasher(common::HashCache& cache) : cache_(cache) {}
  std::optional<std::string> sha256(const std::filesystem::path& path) override;

 private:
  common::HashCache& cache_;
};

// Whether a task must run, and why, in the words `driver status` prints.
struct Decision {
  bool run = false;
  // "up to date", "forced", "no previous successful run", "command changed",
  // "binary changed (sha256 …)", "output clean.csv missing",
  // "output clean.csv changed since the last run (sha256 …)", "upstream will run: clean",
  // "input raw.csv changed (sha256 a1b2c3d4… → c3d4e5f6…)", "input raw.csv missing",
  // "service not running: pid 4242 of deploy/serve.pid is gone", ...
  std::string reason;
  // The task runs only because a task it needs will run: decide again once that one has
  // finished (its outputs may come out identical).
  bool waits_for_upstream = false;
};

// "a1b2c3d4…": the first 8 hex digits of a hash, for messages.
std::string short_hash(const std::string& sha256);

// Decides one task against its last successful record. `upstream` names a needed task
// that will run (empty when none). Checks, in order: forced, record, command, binary,
// outputs, the task's service (service_check.h), upstream, inputs.
Decision decide(const Task& task, const std::optional<TaskRecord>& record,
                const std::string& record_problem, bool forced, const std::string& upstream,
                FileHasher& hasher);

// The current hashes of a task's inputs (declared path → sha256; "" for a missing file).
std::map<std::string, std::string> snapshot_inputs(const Task& task, FileHasher& hasher);

// Decides every selected task in dependency order; a task whose needed task will run gets
// "upstream will run: <name>" unless it must run anyway. Unselected tasks get run = false
// and an empty reason.
std::vector<Decision> plan_tasks(const Dag& dag, const std::vector<bool>& selected,
                                 const std::vector<bool>& forced, const StateLog& state,
                                 FileHasher& hasher);

// Decides task `index` again now that what it needs has run.
Decision recheck_task(const Dag& dag, std::size_t index, bool forced, const StateLog& state,
                      FileHasher& hasher);

}  // namespace driver
