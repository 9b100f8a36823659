#include "tasks/save/deployment_identity.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/read_file.h"

namespace fs = std::filesystem;

namespace tasks {

namespace {

bool is_id(const std::string& text) {
  if (text.size() != 32) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string random_id() {
  unsigned char bytes[16];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      common::throw_system_error("cannot read random bytes for", "deployment_id", errno);
    }
    got += static_cast<std::size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

// Writes `id` to a temp file beside `path` (the AtomicFile temp shape, so a killed
// creator's leftover is removed by remove_stale_temp_files) and links it into place
// unless a file is already there.
void create_id(const fs::path& path, const std::string& id) {
  common::remove_stale_temp_files(path);
  fs::path temp = path.parent_path() /
                  ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-0");
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) common::throw_system_error("cannot create", temp, errno, common::FileRole::kOutput);
  std::string text = id + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(temp.c_str());
    common::throw_system_error("cannot write", temp, err);
  }
  int linked = ::link(temp.c_str(), path.c_str());
  err = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && err != EEXIST)
    common::throw_system_error("cannot create", path, err, common::FileRole::kOutput);
}

}  // namespace

DeploymentIdentity deployment_identity(const fs::path& dir) {
  std::error_code ec;
  fs::path canonical = fs::canonical(dir, ec);
  if (ec) common::throw_system_error("cannot resolve", dir, ec.value(), common::FileRole::kInput);
  fs::path path = common::deployment_id_path(canonical);
  if (::access(path.c_str(), F_OK) != 0) create_id(path, random_id());
  std::string text = common::read_file(path);
  std::string id = text.substr(0, text.find('\n'));
  if (!is_id(id)) {
    throw common::DataError(path.string() +
                            ": expected 32 hex digits (the deployment's id), found \"" +
                            id.substr(0, 40) + "\"");
  }
  return DeploymentIdentity{canonical, id};
}

}  // namespace tasks
