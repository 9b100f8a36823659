#include "driver/dag.h"

#include <algorithm>
#include <cmath>

namespace driver {

std::chrono::milliseconds to_milliseconds(double seconds) {
  if (!(seconds > 0)) return std::chrono::milliseconds(0);  // also NaN
  return std::chrono::milliseconds(std::llround(std::min(seconds, kMaxDurationS) * 1000));
}

std::size_t Dag::find(const std::string& name) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].name == name) return i;
  }
  return tasks.size();
}

}  // namespace driver
