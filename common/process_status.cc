#include "common/process_status.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

namespace common {

namespace {

// The fields of /proc/<pid>/stat after the command name (which may hold spaces and
// parentheses), starting with the state (field 3); empty when the process is gone.
std::string stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return "";
  std::size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ? "" : line.substr(paren + 2);
}

}  // namespace

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::string fields = stat_fields(pid);
  return fields.empty() || fields[0] != 'Z';  // unreadable /proc: trust kill()
}

std::optional<double> process_start_time(pid_t pid) {
  std::istringstream fields(stat_fields(pid));
  std::string field;
  unsigned long long ticks = 0;
  for (int i = 3; i <= 22 && fields >> field; ++i) {  // starttime is field 22
    if (i == 3 && field == "Z") return std::nullopt;
    if (i == 22) ticks = std::stoull(field);
  }
  std::ifstream stat_all("/proc/stat");
  std::string line;
  long long boot = -1;
  while (std::getline(stat_all, line)) {
    if (line.rfind("btime ", 0) == 0) boot = std::stoll(line.substr(6));
  }
  long hz = ::sysconf(_SC_CLK_TCK);
  if (boot < 0 || hz <= 0 || ticks == 0) return std::nullopt;
  return static_cast<double>(boot) + static_cast<double>(ticks) / static_cast<double>(hz);
}

}  // namespace common
