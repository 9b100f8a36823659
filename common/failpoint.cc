#include "common/failpoint.h"

#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

#include "common/error.h"

namespace common {

namespace {

// Every failpoint a program reaches (grep 'failpoint("'), plus "<program>.exit" and
// "task.exit". A name not listed here is a typo that would make a test pass vacuously.
constexpr const char* kKnown[] = {"ingest.read", "ingest.write", "report.read", "report.write",
                                  "save.deploy", "save.history", "save.marker", "save.serve"};

bool known(const std::string& name) {
  for (const char* k : kKnown) {
    if (name == k) return true;
  }
  // "<program>.exit" for any program, "task.exit" for all of them.
  const std::string suffix = ".exit";
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A count (or exit code): digits only, at most 9 of them.
bool parse_count(const std::string& text, int& count) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  count = std::atoi(text.c_str());
  return true;
}

struct Failpoints {
  bool loaded = false;
  std::string warning;
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
  std::string ignored;
  while (std::getline(items, item, ',')) {
    if (trim(item).empty()) continue;  // "a=1," is easy to type
    auto eq = item.find('=');
    // "a=1, b=2" is easy to type in a shell: spaces around names and counts do not count.
    std::string name = trim(item.substr(0, eq == std::string::npos ? item.size() : eq));
    int count = 0;
    std::string problem;
    if (eq == std::string::npos) {
      problem = "expected NAME=COUNT";
    } else if (!parse_count(trim(item.substr(eq + 1)), count)) {
      problem = "expected a count of 0 or more";
    } else if (!known(name)) {
      problem = "unknown name";
    }
    if (!problem.empty()) {
      ignored +=
          (ignored.empty() ? "" : ", ") + std::string("\"") + trim(item) + "\" (" + problem + ")";
      continue;
    }
    state.remaining[name] = count;
    state.total[name] = count;
  }
  if (!ignored.empty()) {
    std::string names;
    for (const char* k : kKnown) names += std::string(k) + ", ";
    state.warning = "warning: PIPELINE_FAILPOINTS: ignored " + ignored + "; known: " + names +
                    "<program>.exit, task.exit";
    std::cerr << state.warning << '\n';
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
  throw TransientError("failpoint " + name + ": injected transient failure (" + std::to_string(k) +
                       " of " + std::to_string(total) + ")");
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

std::string failpoints_warning() {
  std::lock_guard lock(mutex);
  load_locked();
  return state.warning;
}

void reset_failpoints() {
  std::lock_guard lock(mutex);
  state = Failpoints{};
}

}  // namespace common
