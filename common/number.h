#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace common {

// Parses a whole field as a decimal number (std::from_chars, general format, an optional
// leading '+'). Accepts "inf", "nan" and values beyond double's range (returned as ±inf);
// rejects surrounding spaces, hex ("0x10"), non-ASCII digits and trailing bytes.
std::optional<double> parse_number(std::string_view text);

// Appends the shortest decimal that reads back as exactly `value` (std::to_chars): fixed
// notation for 1e-6 <= |value| < 1e16 and zero ("500000", "0.25", "-0"), scientific
// otherwise ("1e+300"). NaN and infinities are written as "nan", "inf", "-inf".
void append_number(std::string& out, double value);
std::string format_number(double value);

namespace detail {
inline bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

inline const char* skip_digits(const char* p, const char* end) {
  while (p < end && is_digit(*p)) ++p;
  return p;
}
}  // namespace detail

// Whether `text` is -?(0|[1-9][0-9]*)(\.[0-9]*)? with at most 15 significant digits and a
// magnitude that append_number writes in fixed notation; then `trimmed` is its shortest
// round-trip form, the text with trailing fraction zeros dropped (and the point when
// nothing is left after it), exactly what append_number would write for its value. Inline
// because it is the hot path of clean: one pass, no parsing.
[[gnu::always_inline]] inline bool plain_decimal_form(std::string_view text,
                                                      std::string_view& trimmed) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* int_begin = begin != end && *begin == '-' ? begin + 1 : begin;
  const char* point = detail::skip_digits(int_begin, end);
  std::size_t int_digits = static_cast<std::size_t>(point - int_begin);
  if (int_digits - 1 >= 16) return false;  // none, or more than 16
  bool int_is_zero = *int_begin == '0';
  if (int_is_zero && int_digits > 1) return false;
  if (point == end) {
    if (int_digits > 15) return false;
    trimmed = text;
    return true;
  }
  if (*point != '.') return false;
  const char* frac_begin = point + 1;
  if (detail::skip_digits(frac_begin, end) != end) return false;
  const char* last = end;
  while (last > frac_begin && last[-1] == '0') --last;
  std::size_t frac_digits = static_cast<std::size_t>(last - frac_begin);
  if (frac_digits == 0) {
    if (int_digits > 15) return false;
    trimmed = std::string_view(begin, static_cast<std::size_t>(point - begin));
    return true;
  }
  std::size_t significant = int_digits + frac_digits;
  if (int_is_zero) {
    const char* first = frac_begin;
    while (*first == '0') ++first;  // stops before `last`: a nonzero digit is there
    // Below 1e-6 append_number switches to scientific notation.
    if (first - frac_begin >= 6) return false;
    significant = static_cast<std::size_t>(last - first);
  }
  if (significant > 15) return false;
  trimmed = std::string_view(begin, static_cast<std::size_t>(last - begin));
  return true;
}

}  // namespace common
