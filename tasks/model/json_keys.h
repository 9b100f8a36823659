#pragma once

#include <string>
#include <string_view>

namespace tasks {

// Boost.JSON keeps the last of two equal keys in one object without a word (LIBRARIES.md),
// so a document read with common::parse_json could mean one of two values. Throws
// common::DataError "<name>:LINE:COL: duplicate key \"x\"" (LINE:COL: the closing quote of
// the second one) for the first key that repeats within one object of `text`. Text that is not JSON
// is left to common::parse_json to report: call this after it.
void refuse_duplicate_keys(std::string_view text, const std::string& name);

}  // namespace tasks
