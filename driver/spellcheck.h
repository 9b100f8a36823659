#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace driver {

// Levenshtein distance (insertions, deletions, substitutions), as Ninja's EditDistance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo (at most 3
// edits, and fewer edits than the candidate has characters), else "". Ties go to the
// earlier candidate.
std::string spellcheck(std::string_view word, const std::vector<std::string>& candidates);

// `, did you mean "train"?` for spellcheck()'s suggestion (quoted with `quote`), or "" when
// there is none: the suffix of an "unknown ..." message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         char quote = '"');

}  // namespace driver
