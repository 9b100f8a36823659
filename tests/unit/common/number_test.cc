#include "common/number.h"

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using common::format_number;
using common::parse_number;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("whole decimal fields parse as numbers", "[number]") {
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    std::string text;
    double value;
  };
  const std::vector<Case> cases = {
      {"0", 0.0},
      {"-0", -0.0},
      {"+3", 3.0},
      {"12.5", 12.5},
      {".5", 0.5},
      {"5.", 5.0},
      {"1e3", 1000.0},
      {"1E-2", 0.01},
      {"-122.23", -122.23},
      {"452600.0", 452600.0},
      {"inf", inf},
      {"-inf", -inf},
      {"1e400", inf},
      {"-1e400", -inf},
      {"1e-400", 0.0},
      {"-1e-400", -0.0},
      {"4.9e-324", 4.9e-324},
      {"1" + std::string(400, '0'), inf},
      {"0." + std::string(400, '0') + "1", 0.0},
      {"-0." + std::string(400, '0') + "1", -0.0},
      {"0.0001e-400", 0.0},
      {"1000e-400", 0.0},
      {"0.001e400", inf},
      {"1" + std::string(400, '0') + "e-5", inf},
      {"0.00001e-99999999999999999999999", 0.0},
  };
  for (const Case& c : cases) {
    INFO(c.text.substr(0, 40));
    std::optional<double> value = parse_number(c.text);
    REQUIRE(value.has_value());
    CHECK(same_bits(*value, c.value));
  }
}

TEST_CASE("plain decimals parse to the same bits as std::from_chars", "[number]") {
  // parse_number takes a shortcut for short plain decimals: it must agree with the full
  // algorithm on every digit count, point position and sign, and at the 15-digit edge.
  std::uint64_t state = 88172645463325252ull;
  auto rnd = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string text = rnd() % 2 ? "-" : "";
    std::size_t digits = 1 + rnd() % 17;
    std::size_t point = rnd() % (digits + 1);  // == digits: no point
    for (std::size_t d = 0; d < digits; ++d) {
      if (d == point && d > 0) text.push_back('.');
      text.push_back(static_cast<char>('0' + rnd() % 10));
    }
    double expected = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
    REQUIRE(ec == std::errc());
    REQUIRE(end == text.data() + text.size());
    std::optional<double> value = parse_number(text);
    INFO(text);
    REQUIRE(value.has_value());
    REQUIRE(same_bits(*value, expected));
  }
}

TEST_CASE("nan parses as a number", "[number]") {
  std::optional<double> value = parse_number("nan");
  REQUIRE(value.has_value());
  CHECK(std::isnan(*value));
}

TEST_CASE("anything but a whole decimal number is rejected", "[number]") {
  for (const char* text : {"", " ", "+", "-", "++1", "+-1", "-+1", " 1", "1 ", "1,5", "0x10", "1e",
                           "e3", "abc", "12abc", "1..2", "NA", "\xd9\xa1"}) {
    INFO("'" << text << "'");
    CHECK_FALSE(parse_number(text).has_value());
  }
}

TEST_CASE("numbers format in the shortest form, fixed for everyday magnitudes", "[number]") {
  struct Case {
    double value;
    const char* text;
  };
  const std::vector<Case> cases = {
      {0.0, "0"},
      {-0.0, "-0"},
      {3.0, "3"},
      {0.1, "0.1"},
      {-122.23, "-122.23"},
      {452600.0, "452600"},
      {1e300, "1e+300"},
      {1e-7, "1e-07"},
      {1.0 / 3.0, "0.3333333333333333"},
      {123456789.0, "123456789"},
      {500000.0, "500000"},
      {2e10, "20000000000"},
      {1e-5, "0.00001"},
      {1e-6, "0.000001"},
      {9.5e-7, "9.5e-07"},
      {1e15, "1000000000000000"},
      {1e16, "1e+16"},
      {12345678901234568.0, "1.2345678901234568e+16"},
      {-2.5e-300, "-2.5e-300"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
      {std::numeric_limits<double>::quiet_NaN(), "nan"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(format_number(c.value) == c.text);
  }
  std::string out = "x=";
  common::append_number(out, 2.5);
  CHECK(out == "x=2.5");
}

TEST_CASE("formatting then parsing gives back the same bits", "[number]") {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    double value;
    std::memcpy(&value, &state, sizeof value);
    if (!std::isfinite(value)) continue;
    std::optional<double> back = parse_number(format_number(value));
    REQUIRE(back.has_value());
    REQUIRE(same_bits(*back, value));
  }
}

TEST_CASE("a plain decimal's trimmed text is exactly what append_number writes for its value") {
  const std::vector<std::string> plain = {"0",   "-0", "41.0",    "-122.23",         "452600.000",
                                          "0.5", "5.", "0.00001", "123456789012345", "99.990"};
  for (const std::string& text : plain) {
    INFO(text);
    std::string_view trimmed;
    REQUIRE(common::plain_decimal_form(text, trimmed));
    std::string expected;
    common::append_number(expected, *common::parse_number(text));
    CHECK(std::string(trimmed) == expected);
  }
  // Not plain, or not in fixed notation once shortest: left to parse_number and append_number.
  const std::vector<std::string> other = {"",
                                          "-",
                                          "+5",
                                          "007",
                                          "1e3",
                                          ".5",
                                          "1 ",
                                          "0x1",
                                          "0.0000001",
                                          "1234567890123456",
                                          "0.1234567890123456"};
  for (const std::string& text : other) {
    INFO(text);
    std::string_view trimmed;
    CHECK_FALSE(common::plain_decimal_form(text, trimmed));
  }
}
