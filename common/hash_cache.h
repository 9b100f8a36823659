#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace common {

// File hashes cached by (path, size, mtime_ns, ctime_ns, inode), persisted as JSON, so that
// a file that did not change is not read again. A file replaced by an atomic rename gets a
// new inode and is rehashed even when its size and mtime match; one edited in place with
// the same size and its mtime put back (touch -d, rsync -t, tar) still has a new ctime,
// which no user call can set: git's index keys on it for the same reason.
class HashCache {
 public:
  // Loads `cache_file` if it exists; a missing or unreadable cache starts empty.
  explicit HashCache(std::filesystem::path cache_file);

  // SHA-256 of `path`, from the cache when its stat matches. Throws like sha256_file.
  std::string sha256(const std::filesystem::path& path);

  // Writes the cache atomically when it changed, and removes a temp file a killed earlier
  // save left beside it. Throws IoError.
  void save();

  // Files hashed (not served from the cache) since construction.
  int files_hashed() const { return files_hashed_; }

 private:
  struct Entry {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    std::uint64_t inode = 0;
    std::string sha256;
  };
  std::filesystem::path cache_file_;
  std::map<std::string, Entry> entries_;
  bool dirty_ = false;
  int files_hashed_ = 0;
};

}  // namespace common
