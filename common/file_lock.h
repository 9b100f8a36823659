#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

namespace common {

// An exclusive advisory lock (flock) on a lock file, held for the object's lifetime.
// The lock is released by the kernel when the process dies, so a crash never leaves a
// stale lock behind. The descriptor is O_CLOEXEC, so exec'd children do not hold it, but
// a child made by fork() alone shares it until it closes fd().
class FileLock {
 public:
  // Blocks until the lock on `path` (created if missing, with its parent directories) is
  // held. Throws IoError/OutputError when the file cannot be opened.
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;

  // Tries for up to `wait`; returns nullopt when another process still holds it.
  static std::optional<FileLock> try_lock(const std::filesystem::path& path,
                                          std::chrono::milliseconds wait);

  // The descriptor of the lock file (to read or write a holder record).
  int fd() const { return fd_; }

 private:
  FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace common
