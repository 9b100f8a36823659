#include <catch2/catch.hpp>

#include "tasks/clean/number_form.h"

using tasks::FieldKind;

TEST_CASE("numbers are written in shortest round-trip form", "[clean][number]") {
  struct Case {
    const char* in;
    FieldKind kind;
    const char* out;
  };
  const Case cases[] = {
      {"41.0", FieldKind::kFiniteNumber, "41"},
      {"-122.23", FieldKind::kFiniteNumber, "-122.23"},
      {"8.3252", FieldKind::kFiniteNumber, "8.3252"},
      {"452600.0", FieldKind::kFiniteNumber, "452600"},
      {"0.000", FieldKind::kFiniteNumber, "0"},
      {"-0.0", FieldKind::kFiniteNumber, "-0"},
      {"007", FieldKind::kFiniteNumber, "7"},
      {"+5", FieldKind::kFiniteNumber, "5"},
      {"1e3", FieldKind::kFiniteNumber, "1000"},
      {"0.1000000000000000055511151231257827", FieldKind::kFiniteNumber, "0.1"},
      {"123456789012345678", FieldKind::kFiniteNumber, "1.2345678901234568e+17"},
      {"1e-7", FieldKind::kFiniteNumber, "1e-07"},
      {"0.0000001", FieldKind::kFiniteNumber, "1e-07"},
      {"1e300", FieldKind::kFiniteNumber, "1e+300"},
      {"1e309", FieldKind::kNonFiniteNumber, ""},
      {"inf", FieldKind::kNonFiniteNumber, ""},
      {"-inf", FieldKind::kNonFiniteNumber, ""},
      {" 12 ", FieldKind::kText, ""},
      {"0x10", FieldKind::kText, ""},
      {"\xd9\xa1\xd9\xa2", FieldKind::kText, ""},  // Arabic-Indic digits
      {"1,5", FieldKind::kText, ""},
      {"12abc", FieldKind::kText, ""},
  };
  for (const Case& c : cases) {
    std::string out;
    INFO(c.in);
    CHECK(tasks::classify_number(c.in, &out) == c.kind);
    CHECK(out == c.out);
  }
}
