#pragma once

#include <cstdint>

namespace tasks {

// SPEC section 4's mixing function (all arithmetic mod 2^64).
std::uint64_t splitmix64(std::uint64_t x);

// Whether data row `row` (0-based, in file order) is a test row:
// splitmix64(seed + row) / 2^64 < test_fraction. train and report share it, so both see
// the same split for the same (seed, test_fraction).
bool is_test_row(std::uint64_t seed, std::uint64_t row, double test_fraction);

}  // namespace tasks
