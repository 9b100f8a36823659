#include "common/version.h"

#include <Eigen/Core>
#include <boost/version.hpp>

namespace common {

std::string project_version() { return PIPELINE_VERSION; }

std::string compiler_version() {
#if defined(__clang__)
  return std::string("clang++ ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("g++ ") + __VERSION__;
#else
  return "unknown";
#endif
}

std::string compiler_flags() { return PIPELINE_CXX_FLAGS; }

std::string boost_version() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         "." + std::to_string(BOOST_VERSION % 100);
}

std::string eigen_version() {
  return std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION);
}

std::string version_text(const std::string& program) {
  return program + " " + project_version() + "\ncommit " + kGitSha + "\ncompiler " +
         compiler_version() + "\nboost " + boost_version() + "\neigen " + eigen_version() + "\n";
}

}  // namespace common
