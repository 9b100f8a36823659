#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace driver {

enum class Color { kNone, kGreen, kRed, kYellow, kDim };

// Writes the driver's human output to stderr (Ninja's LinePrinter). On a terminal it keeps
// one live status line that later lines overprint; elsewhere (a pipe, a file, CI) every
// line is permanent and no status line is drawn. Colors only on a terminal, and never
// when NO_COLOR is set to anything non-empty (no-color.org).
class LinePrinter {
 public:
  // For stderr: a terminal when isatty(2) and TERM is not "dumb".
  LinePrinter();
  // For tests: explicit settings and a sink for the bytes.
  LinePrinter(bool smart_terminal, bool color, std::function<void(std::string_view)> write);

  // A permanent line (without its newline); clears the status line first.
  void print_line(const std::string& line);
  // Replaces the live status line; ignored unless on a terminal.
  void set_status(const std::string& status);
  void clear_status();

  // `text` wrapped in the color's escape codes when colors are on.
  std::string paint(std::string_view text, Color color) const;

  bool smart_terminal() const { return smart_; }
  bool color() const { return color_; }

 private:
  void write(std::string_view bytes);

  bool smart_ = false;
  bool color_ = false;
  bool status_shown_ = false;
  std::function<void(std::string_view)> write_;
};

}  // namespace driver
