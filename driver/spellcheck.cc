#include "driver/spellcheck.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace driver {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: three rows, the one two back for transpositions.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

std::size_t max_typo_distance(std::string_view candidate) {
  return std::clamp<std::size_t>(candidate.size() / 3, 1, 3);
}

std::string spellcheck(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    if (d <= max_typo_distance(candidate) && d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates,
                         char quote) {
  std::string best = spellcheck(word, candidates);
  if (best.empty()) return "";
  return std::string(", did you mean ") + quote + best + quote + "?";
}

}  // namespace driver
