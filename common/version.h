#pragma once

#include <string>
#include <vector>

namespace common {

// The git commit the binary was built from ("<sha>[-dirty]" or "unknown").
extern const char* const kGitSha;

// The project version (CMake's project version).
std::string project_version();

// Compiler name and version, e.g. "g++ 12.2.0".
std::string compiler_version();

// Compiler flags of this build (build type flags and sanitizers).
std::string compiler_flags();

// Boost version, e.g. "1.81.0".
std::string boost_version();

// Eigen version, e.g. "3.4.0".
std::string eigen_version();

// A shared library this process has loaded, and the Debian package that owns it.
struct LoadedLibrary {
  std::string path;       // as the loader resolved it: /lib/x86_64-linux-gnu/libcurl.so.4
  std::string real_path;  // symlinks followed: /usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0
  std::string package;    // "libcurl4:amd64", "" when no package owns it (a local build)
  std::string version;    // the package's version, "7.88.1-10+deb12u8"; "" without one
};

// Every shared object loaded now (dl_iterate_phdr, so what the loader chose, not what the
// build linked against), each with its owning Debian package and version. The package is
// found cheaply: the soname is looked up in /var/lib/dpkg/info/*.shlibs (a few hundred
// small files), the owner confirmed in that one package's .list, and the version read from
// /var/lib/dpkg/status. Computed once per process; without dpkg the packages stay "".
const std::vector<LoadedLibrary>& loaded_libraries();

// The multi-line text `--version` prints for `program`.
std::string version_text(const std::string& program);

}  // namespace common
