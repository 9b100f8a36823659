#include "driver/program_lookup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/process/v2/environment.hpp>

namespace fs = std::filesystem;

namespace driver {

bool is_executable_file(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

fs::path find_program(const std::string& name, const fs::path& program_dir,
                      const fs::path& workdir) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) {
    fs::path path = fs::path(name).is_absolute() ? fs::path(name) : workdir / name;
    path = path.lexically_normal();
    return is_executable_file(path) ? path : fs::path();
  }
  if (!program_dir.empty()) {
    fs::path beside = program_dir / name;
    if (is_executable_file(beside)) return beside;
  }
  // Process v2 launches with execve, which does not search PATH (LIBRARIES.md).
  // It returns a boost::filesystem::path (BOOST_PROCESS_USE_STD_FS is not set).
  fs::path found(boost::process::v2::environment::find_executable(name).string());
  if (found.empty() || !is_executable_file(found)) return {};
  return fs::absolute(found).lexically_normal();
}

}  // namespace driver
