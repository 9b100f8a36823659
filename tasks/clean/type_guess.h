#pragma once

#include <cstdint>
#include <vector>

#include "tasks/clean/clean.h"

namespace tasks {

// Column types as the first `rows` records of the input show them (1: numeric), by the
// rule of common/csv_columns.h: a column with text in a kept record there is certainly
// categorical; the others are guessed numeric, a guess the write pass corrects. Records of
// the wrong width are passed over (the write pass reports them).
std::vector<char> guess_types(const CleanOptions& options, std::uint64_t rows);

}  // namespace tasks
