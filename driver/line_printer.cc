#include "driver/line_printer.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace driver {

LinePrinter::LinePrinter() {
  const char* term = std::getenv("TERM");
  smart_ = ::isatty(STDERR_FILENO) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
  const char* no_color = std::getenv("NO_COLOR");
  color_ = smart_ && (no_color == nullptr || *no_color == '\0');
}

LinePrinter::LinePrinter(bool smart_terminal, bool color,
                         std::function<void(std::string_view)> write)
    : smart_(smart_terminal), color_(color), write_(std::move(write)) {}

void LinePrinter::write(std::string_view bytes) {
  if (write_) {
    write_(bytes);
    return;
  }
  while (!bytes.empty()) {
    ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone: nothing useful left to do
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void LinePrinter::clear_status() {
  if (!status_shown_) return;
  write("\r\x1b[K");
  status_shown_ = false;
}

void LinePrinter::print_line(const std::string& line) {
  std::string bytes;
  if (status_shown_) bytes = "\r\x1b[K";
  status_shown_ = false;
  bytes += line;
  bytes.push_back('\n');
  write(bytes);
}

void LinePrinter::set_status(const std::string& status) {
  if (!smart_) return;
  // A status line wider than the terminal wraps, and "\r" then overprints only its
  // last row: cut it to the width.
  std::string line = status;
  struct winsize size {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 &&
      line.size() >= size.ws_col) {
    line.resize(size.ws_col - 1);
  }
  write("\r\x1b[K" + line);
  status_shown_ = !status.empty();
}

std::string LinePrinter::paint(std::string_view text, Color color) const {
  if (!color_ || color == Color::kNone) return std::string(text);
  const char* code = "";
  switch (color) {
    case Color::kGreen:
      code = "\x1b[32m";
      break;
    case Color::kRed:
      code = "\x1b[1;31m";
      break;
    case Color::kYellow:
      code = "\x1b[33m";
      break;
    case Color::kDim:
      code = "\x1b[2m";
      break;
    case Color::kNone:
      break;
  }
  return std::string(code) + std::string(text) + "\x1b[0m";
}

}  // namespace driver
