#pragma once

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

}  // namespace common
