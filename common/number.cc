#include "common/number.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace common {

std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+' || text.front() == ' ') return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value,
                                   std::chars_format::general);
  if (end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow gives ±inf; underflow (1e-400) rounds to zero.
    bool negative = text.front() == '-';
    auto e = text.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-';
    if (tiny) return negative ? -0.0 : 0.0;
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (ec != std::errc()) return std::nullopt;
  return value;
}

void append_number(std::string& out, double value) {
  // Shortest round-trip digits; fixed notation for magnitudes people read as plain numbers
  // (as JavaScript does), scientific beyond, so 500000 stays "500000" and not "5e+05".
  char buffer[64];
  double magnitude = std::fabs(value);
  bool fixed = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e16);
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 fixed ? std::chars_format::fixed : std::chars_format::scientific);
  out.append(buffer, end);
}

std::string format_number(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

}  // namespace common
