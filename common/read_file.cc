#include "common/read_file.h"

#include <unistd.h>

#include <cerrno>

#include "common/error.h"
#include "common/input_file.h"

namespace fs = std::filesystem;

namespace common {

std::string read_file(const fs::path& path) {
  int fd = open_input(path).release();
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw_system_error("cannot read", path, err, FileRole::kInput);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

}  // namespace common
