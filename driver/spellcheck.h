#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace driver {

// Edit distance counting insertions, deletions, substitutions and swaps of two adjacent
// characters as one edit each (optimal string alignment): "trian" is one edit from "train".
std::size_t edit_distance(std::string_view a, std::string_view b);

// How far a word may be from `candidate` to count as a typo of it: one edit per three
// characters of the candidate, at least 1 and at most 3. So "env" is not "deps" (3 edits,
// 1 allowed) but "stauts" is "status" and "cleen" is "clean".
std::size_t max_typo_distance(std::string_view candidate);

// The candidate closest to `word` when it is within max_typo_distance() of it, else "".
// Ties go to the earlier candidate.
std::string spellcheck(std::string_view word, const std::vector<std::string>& candidates);

// `, did you mean "train"?` for spellcheck()'s suggestion (quoted with `quote`), or "" when
// there is none: the suffix of an "unknown ..." message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         char quote = '"');

}  // namespace driver
