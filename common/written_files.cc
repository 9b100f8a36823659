#include "common/written_files.h"

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

namespace common {

namespace {

struct Identity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0;

  bool operator==(const Identity&) const = default;
};

std::optional<Identity> identify(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return Identity{
      st.st_dev, st.st_ino, st.st_size,
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

struct Written {
  Identity identity;
  std::string sha256;
};

std::mutex mutex;
std::map<std::pair<dev_t, ino_t>, Written> written;

}  // namespace

void remember_written_sha256(const std::filesystem::path& path, const std::string& sha256) {
  std::optional<Identity> identity = identify(path);
  if (!identity) return;
  std::lock_guard<std::mutex> lock(mutex);
  written[{identity->device, identity->inode}] = Written{*identity, sha256};
}

std::optional<std::string> written_sha256(const std::filesystem::path& path) {
  std::optional<Identity> identity = identify(path);
  if (!identity) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = written.find({identity->device, identity->inode});
  if (it == written.end() || !(it->second.identity == *identity)) return std::nullopt;
  return it->second.sha256;
}

}  // namespace common
