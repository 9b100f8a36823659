#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "common/number.h"

namespace tasks {

// Kinds of a non-null field.
enum class FieldKind { kFiniteNumber, kNonFiniteNumber, kText };

// The one rule for how clean writes a number: its shortest round-trip form. A plain decimal
// with at most 15 significant digits is already in that form once trailing fraction zeros
// are trimmed ("41.0" -> "41"), so it is copied without a round trip through double
// (common::plain_decimal_form); anything else goes through parse_number and the sink's
// number writer. `Sink` has put(std::string_view) and put_number(double).
template <typename Sink>
[[gnu::always_inline]] inline FieldKind put_number_form(std::string_view text, Sink& sink) {
  std::string_view trimmed;
  if (common::plain_decimal_form(text, trimmed)) [[likely]] {
    sink.put(trimmed);
    return FieldKind::kFiniteNumber;
  }
  std::optional<double> value = common::parse_number(text);
  if (!value) return FieldKind::kText;
  if (!std::isfinite(*value)) return FieldKind::kNonFiniteNumber;
  sink.put_number(*value);
  return FieldKind::kFiniteNumber;
}

// Classifies a field; for a finite number, appends its shortest round-trip form to `out`
// when `out` is not null (put_number_form into a string).
FieldKind classify_number(std::string_view text, std::string* out);

}  // namespace tasks
