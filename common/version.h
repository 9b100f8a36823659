#pragma once

#include <string>

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

// The multi-line text `--version` prints for `program`.
std::string version_text(const std::string& program);

}  // namespace common
