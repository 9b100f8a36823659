#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/file_lock.h"

namespace driver {

// Who holds a workdir lock, as recorded in the lock file.
struct LockHolder {
  long pid = 0;
  std::string run_id;
  std::string started;       // RFC 3339
  std::vector<long> groups;  // the task process groups it had running (record_groups)
};

// One run per workdir at a time: an exclusive flock on <workdir>/.lock whose content
// names the holder (pid, run id, start time). The kernel drops the flock when the holder
// dies, so a crashed driver never blocks the next one: its record is still in the file,
// and the next driver reports that it took the stale lock over.
class WorkspaceLock {
 public:
  // Takes the lock, waiting up to `wait` (calling `on_wait` with the holder once before
  // waiting). Throws LockedError when another driver still holds it:
  //   workdir /p/work is locked by pid 4242 (run 20250101T000000Z-abcdef, started ...)
  static WorkspaceLock acquire(const std::filesystem::path& workdir, const std::string& run_id,
                               std::chrono::milliseconds wait,
                               const std::function<void(const LockHolder&)>& on_wait = {});

  // Clears the holder record; the lock itself goes with the descriptor.
  ~WorkspaceLock();
  WorkspaceLock(WorkspaceLock&&) = default;
  WorkspaceLock(const WorkspaceLock&) = delete;
  WorkspaceLock& operator=(const WorkspaceLock&) = delete;

  // The previous holder when it died holding the lock (its record was left behind).
  const std::optional<LockHolder>& taken_over() const { return taken_over_; }

  // Rewrites the holder record with the task process groups now running (one pwrite, no
  // fsync: a crash that loses it also took the processes with it), so that a driver
  // killed with -9 leaves behind what its successor must stop.
  void record_groups(const std::vector<long>& groups);

 private:
  WorkspaceLock(common::FileLock lock, std::optional<LockHolder> taken_over, LockHolder self)
      : lock_(std::move(lock)), self_(std::move(self)), taken_over_(std::move(taken_over)) {}
  void write_record();

  common::FileLock lock_;
  std::filesystem::path path_;
  LockHolder self_;
  std::optional<LockHolder> taken_over_;
};

// Stops what a dead driver's tasks left running: every group of `holder.groups` that still
// has a process whose environment names the holder's run (PIPELINE_RUN_ID, which every
// task inherits: a recycled pid is not taken for one of ours) is SIGKILLed, and waited for
// (up to 5 s). Returns the groups stopped.
std::vector<long> stop_stale_groups(const LockHolder& holder);

// The holder recorded in <workdir>/.lock, if any.
std::optional<LockHolder> read_lock_holder(const std::filesystem::path& workdir);

}  // namespace driver
