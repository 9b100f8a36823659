#include "tasks/model/split.h"

namespace tasks {

std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool is_test_row(std::uint64_t seed, std::uint64_t row, double test_fraction) {
  // The conversion rounds once and the division by 2^64 is exact, so this is the correctly
  // rounded quotient an independent implementation (Python's int / int) computes.
  return static_cast<double>(splitmix64(seed + row)) / 18446744073709551616.0 < test_fraction;
}

}  // namespace tasks
