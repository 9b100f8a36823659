#include "driver/service_check.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>

#include "common/error.h"
#include "common/process_status.h"
#include "common/service_pin.h"

namespace driver {

std::string service_problem(const std::filesystem::path& pid_file, const std::string& declared) {
  const std::string prefix = "service not running: ";
  struct stat st {};
  if (::stat(pid_file.c_str(), &st) != 0) return prefix + declared + " missing";
  std::ifstream in(pid_file);
  long long pid = 0;
  if (!(in >> pid) || pid <= 0) return prefix + declared + " holds no pid";
  std::string gone = prefix + "pid " + std::to_string(pid) + " of " + declared + " is gone";
  if (!common::process_alive(static_cast<pid_t>(pid))) return gone;
  std::optional<double> started = common::process_start_time(static_cast<pid_t>(pid));
  if (!started) return gone;
  double written =
      static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
  // btime is in whole seconds: allow for it, and for the service's own start-up.
  if (*started > written + 2.0) return gone;
  return "";
}

std::string service_pin_note(const std::filesystem::path& pid_file, const std::string& declared) {
  std::string dir = std::filesystem::path(declared).parent_path().string();
  try {
    std::optional<common::ServicePin> pin = common::read_pin(pid_file.parent_path());
    if (!pin) return "";
    return "; it will refuse another model: " + common::describe_pin(dir.empty() ? "." : dir, *pin);
  } catch (const common::Error& e) {
    return std::string("; its pin cannot be read: ") + e.what();
  }
}

}  // namespace driver
