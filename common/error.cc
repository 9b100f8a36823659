#include "common/error.h"

#include <cerrno>
#include <cstring>

namespace common {

bool is_transient_errno(int err) {
  return err == EIO || err == EAGAIN || err == EINTR || err == EBUSY || err == ETIMEDOUT;
}

bool IoError::transient() const { return is_transient_errno(errno_); }

void throw_system_error(const std::string& what, const std::filesystem::path& path, int err,
                        FileRole role) {
  std::string message = what + " " + path.string() + ": " + std::strerror(err);
  if (role == FileRole::kInput && (err == ENOENT || err == EACCES || err == ENOTDIR)) {
    throw InputMissingError(message);
  }
  if (role == FileRole::kOutput && (err == ENOENT || err == EACCES || err == EROFS ||
                                    err == ENOTDIR || err == EPERM || err == EISDIR)) {
    throw OutputError(message);
  }
  throw IoError(message, err);
}

}  // namespace common
