#include "common/number.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace common {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// For a number std::from_chars found out of range: whether it is too large (rather than
// too small), from the decimal exponent of its first significant digit. Looking at the
// exponent's sign alone is not enough: "0.000...1" has none and "1000...0e-5" is large.
bool too_large(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  long long integer_digits = 0;  // digits before the point, from the first non-zero one
  long long zeros_after_point = 0;
  bool significant = false;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (significant || text[i] != '0') {
      significant = true;
      ++integer_digits;
    }
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i) {
      if (significant) continue;
      if (text[i] == '0') {
        ++zeros_after_point;
      } else {
        significant = true;
      }
    }
  }
  long long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      if (exponent < 1'000'000'000'000LL) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  long long magnitude = integer_digits > 0 ? integer_digits - 1 : -(zeros_after_point + 1);
  return magnitude + exponent >= 0;
}

// Clinger's fast path: "-?digits(.digits)?" with at most 15 digits in all is a whole
// number below 2^53 divided by a power of ten up to 1e15, both exact doubles, so one
// correctly rounded division gives the correctly rounded value, as from_chars would.
// Returns false for anything else (exponents, more digits, other characters).
bool parse_plain_decimal(std::string_view text, double& value) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = text.data();
  const char* end = p + text.size();
  bool negative = p != end && *p == '-';
  p += negative;
  std::uint64_t mantissa = 0;
  int digits = 0;
  const char* int_begin = p;
  for (; p != end && is_digit(*p); ++p, ++digits)
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  if (p == int_begin) return false;  // a number starts with a digit here (".5" takes the slow path)
  int fraction = 0;
  if (p != end) {
    if (*p != '.') return false;
    for (++p; p != end && is_digit(*p); ++p, ++fraction) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    }
    if (p != end) return false;
    digits += fraction;
  }
  if (digits > 15) return false;
  double magnitude = static_cast<double>(mantissa) / kPowers[fraction];
  value = negative ? -magnitude : magnitude;
  return true;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  double plain = 0;
  if (parse_plain_decimal(text, plain)) return plain;
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    // One sign at most: from_chars would take the '-' of "+-1" as the sign.
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) return std::nullopt;
  }
  if (text.empty() || text.front() == ' ') return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow gives ±inf; underflow (1e-400) rounds to ±0.
    bool negative = text.front() == '-';
    if (!too_large(text)) return negative ? -0.0 : 0.0;
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
