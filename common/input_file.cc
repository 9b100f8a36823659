#include "common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "common/error.h"
#include "common/sha256.h"

namespace fs = std::filesystem;

namespace common {

namespace {

struct Copy {
  UniqueFd fd;  // the unlinked temporary file holding every byte read
  InputCopy record;
};

std::mutex mutex;  // held while a copy is made, so a second reader waits for it
std::map<std::pair<dev_t, ino_t>, Copy> copies;

// Directories and block devices are opened as they are: a directory fails on read with
// its own message, a block device can be read again.
bool needs_copy(const struct stat& st) {
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode);
}

const char* kind_of(const struct stat& st) {
  if (S_ISFIFO(st.st_mode)) return "a pipe";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

fs::path temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? fs::path(dir) : fs::path("/tmp");
}

// An unlinked file in `dir` open for reading and writing, or -1 with errno set.
int create_unlinked(const fs::path& dir) {
#ifdef O_TMPFILE
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // Filesystems without O_TMPFILE say EOPNOTSUPP (or EISDIR on old kernels).
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return -1;
#endif
  std::string name = (dir / "pipeline-input-XXXXXX").string();
  int fd2 = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd2 < 0) return -1;
  ::unlink(name.c_str());
  return fd2;
}

UniqueFd reopen(const Copy& copy, const fs::path& path) {
  std::string self = "/proc/self/fd/" + std::to_string(copy.fd.get());
  UniqueFd fd(::open(self.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw IoError("cannot reopen the temporary copy of " + path.string() + " (" + self +
                      "): " + std::strerror(errno) + "; give a regular file instead",
                  errno);
  }
  return fd;
}

// Reads `path` to its end once, into a new unlinked temporary file.
Copy make_copy(const fs::path& path, const struct stat& st) {
  UniqueFd source(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (source.get() < 0) throw_system_error("cannot open", path, errno, FileRole::kInput);
  fs::path dir = temp_dir();
  auto copy_failed = [&](int err) {
    throw IoError("cannot copy " + path.string() + " (" + kind_of(st) +
                      ") to a temporary file in " + dir.string() + ": " + std::strerror(err) +
                      (err == ENOSPC || err == EDQUOT ? "; set TMPDIR to a larger disk" : ""),
                  err);
  };
  Copy copy;
  copy.fd = UniqueFd(create_unlinked(dir));
  if (copy.fd.get() < 0) copy_failed(errno);
  Sha256 hash;
  constexpr std::size_t kBlock = 1 << 20;
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kBlock);
  while (true) {
    ssize_t n = ::read(source.get(), buffer.get(), kBlock);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_system_error("cannot read", path, errno, FileRole::kInput);
    }
    if (n == 0) break;
    std::string_view block(buffer.get(), static_cast<std::size_t>(n));
    hash.update(block);
    copy.record.bytes += block.size();
    while (!block.empty()) {
      ssize_t w = ::write(copy.fd.get(), block.data(), block.size());
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) copy_failed(w < 0 ? errno : EIO);
      block.remove_prefix(static_cast<std::size_t>(w));
    }
  }
  copy.record.sha256 = hash.hex_digest();
  return copy;
}

}  // namespace

bool is_regular_file(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

UniqueFd open_input(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw_system_error("cannot open", path, errno, FileRole::kInput);
  if (!needs_copy(st)) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw_system_error("cannot open", path, errno, FileRole::kInput);
    return fd;
  }
  std::lock_guard lock(mutex);
  auto key = std::make_pair(st.st_dev, st.st_ino);
  auto it = copies.find(key);
  if (it == copies.end()) it = copies.emplace(key, make_copy(path, st)).first;
  return reopen(it->second, path);
}

std::optional<InputCopy> copied_input(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !needs_copy(st)) return std::nullopt;
  std::lock_guard lock(mutex);
  auto it = copies.find({st.st_dev, st.st_ino});
  if (it == copies.end()) return std::nullopt;
  return it->second.record;
}

}  // namespace common
