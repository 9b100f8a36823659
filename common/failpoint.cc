#include "common/failpoint.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include "common/error.h"

namespace common {

namespace {

struct Failpoints {
  bool loaded = false;
  std::map<std::string, int> remaining;
  std::map<std::string, int> total;
};

std::mutex mutex;
Failpoints state;

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

void load_locked() {
  if (state.loaded) return;
  state.loaded = true;
  const char* spec = std::getenv("PIPELINE_FAILPOINTS");
  if (spec == nullptr) return;
  std::stringstream items(spec);
  std::string item;
  while (std::getline(items, item, ',')) {
    auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    // "a=1, b=2" is easy to type in a shell: spaces around names do not count.
    std::string name = trim(item.substr(0, eq));
    int count = std::atoi(item.c_str() + eq + 1);  // atoi skips leading spaces itself
    state.remaining[name] = count;
    state.total[name] = count;
  }
}

}  // namespace

void failpoint(const std::string& name) {
  std::lock_guard lock(mutex);
  load_locked();
  auto it = state.remaining.find(name);
  if (it == state.remaining.end() || it->second <= 0) return;
  int total = state.total[name];
  int k = total - it->second + 1;
  --it->second;
  throw TransientError("failpoint " + name + ": injected transient failure (" +
                       std::to_string(k) + " of " + std::to_string(total) + ")");
}

int failpoint_exit_code(const std::string& task) {
  std::lock_guard lock(mutex);
  load_locked();
  for (const std::string& key : {task + ".exit", std::string("task.exit")}) {
    auto it = state.total.find(key);
    if (it != state.total.end()) return it->second;
  }
  return -1;
}

void reset_failpoints() {
  std::lock_guard lock(mutex);
  state = Failpoints{};
}

}  // namespace common
