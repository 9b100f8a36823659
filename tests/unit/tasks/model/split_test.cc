#include "tasks/model/split.h"

#include <catch2/catch.hpp>

using tasks::is_test_row;
using tasks::splitmix64;

TEST_CASE("splitmix64 gives the reference generator's outputs", "[split]") {
  // The first two outputs of SplitMix64 seeded with 0 (Steele, Lea, Flood 2014).
  REQUIRE(splitmix64(0) == 0xe220a8397b1dcdafull);
  REQUIRE(splitmix64(0x9E3779B97F4A7C15ull) == 0x6e789e6aa1b965f4ull);
}

TEST_CASE("the default split of the cleaned housing rows has 4113 test rows", "[split]") {
  int test = 0;
  for (std::uint64_t i = 0; i < 20433; ++i) test += is_test_row(42, i, 0.2) ? 1 : 0;
  REQUIRE(test == 4113);
}

TEST_CASE("a test fraction of 0 keeps every row for training", "[split]") {
  for (std::uint64_t i = 0; i < 1000; ++i) REQUIRE_FALSE(is_test_row(42, i, 0.0));
}

TEST_CASE("the split depends on the seed", "[split]") {
  int differ = 0;
  for (std::uint64_t i = 0; i < 1000; ++i)
    differ += is_test_row(1, i, 0.5) != is_test_row(2, i, 0.5) ? 1 : 0;
  REQUIRE(differ > 400);
  REQUIRE(differ < 600);
}

TEST_CASE("the seed plus the row index wraps around 2^64", "[split]") {
  REQUIRE(is_test_row(UINT64_MAX, 1, 0.5) ==
          (static_cast<double>(splitmix64(0)) / 18446744073709551616.0 < 0.5));
}
