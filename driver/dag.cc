#include "driver/dag.h"

namespace driver {

std::size_t Dag::find(const std::string& name) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].name == name) return i;
  }
  return tasks.size();
}

}  // namespace driver
