#include "driver/service_check.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>

namespace driver {

namespace {

// Seconds since the epoch at which `pid` started (from /proc), or nothing when unknown.
std::optional<double> start_time(pid_t pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat_file, line)) return std::nullopt;
  std::size_t paren = line.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(paren + 2));
  std::string field;
  unsigned long long ticks = 0;
  // After ")": state is field 3; starttime is field 22.
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3 && field == "Z") return std::nullopt;  // a zombie serves nothing
    if (i == 22) ticks = std::stoull(field);
  }
  std::ifstream stat_all("/proc/stat");
  long long boot = -1;
  while (std::getline(stat_all, line)) {
    if (line.rfind("btime ", 0) == 0) boot = std::stoll(line.substr(6));
  }
  long hz = ::sysconf(_SC_CLK_TCK);
  if (boot < 0 || hz <= 0 || ticks == 0) return std::nullopt;
  return static_cast<double>(boot) + static_cast<double>(ticks) / static_cast<double>(hz);
}

}  // namespace

std::string service_problem(const std::filesystem::path& pid_file, const std::string& declared) {
  const std::string prefix = "service not running: ";
  struct stat st{};
  if (::stat(pid_file.c_str(), &st) != 0) return prefix + declared + " missing";
  std::ifstream in(pid_file);
  long long pid = 0;
  if (!(in >> pid) || pid <= 0) return prefix + declared + " holds no pid";
  std::string gone = prefix + "pid " + std::to_string(pid) + " of " + declared + " is gone";
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return gone;
  std::optional<double> started = start_time(static_cast<pid_t>(pid));
  if (!started) return gone;
  double written = static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
  // btime is in whole seconds: allow for it, and for the service's own start-up.
  if (*started > written + 2.0) return gone;
  return "";
}

}  // namespace driver
