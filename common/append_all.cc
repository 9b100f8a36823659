#include "common/append_all.h"

#include <unistd.h>

#include <cerrno>

namespace common {

int append_all(int fd, std::string_view text, off_t original) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      if (done > 0 && original >= 0 && ::ftruncate(fd, original) != 0) {
        // Nothing more to do: the write error is what the user needs.
      }
      return err;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace common
