#include "common/version.h"

#include <link.h>

#include <Eigen/Core>
#include <boost/version.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace common {

namespace {

constexpr const char* kDpkgInfo = "/var/lib/dpkg/info";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// soname ("libcurl.so.4") -> the package whose .shlibs declares it ("libcurl4:amd64").
// A shlibs line is "<name> <version> <dependency...>" for soname <name>.so.<version>;
// "udeb:" lines are for the installer.
std::map<std::string, std::string> sonames_by_package() {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(kDpkgInfo, ec)) {
    const fs::path& file = entry.path();
    if (file.extension() != ".shlibs") continue;
    std::string package = file.stem().string();
    std::istringstream lines(slurp(file));
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string name;
      std::string version;
      if (!(words >> name >> version) || name.back() == ':') continue;
      out.emplace(name + ".so." + version, package);
    }
  }
  return out;
}

// /lib/x/y and /usr/lib/x/y name one file on a merged-/usr system; dpkg lists either.
std::vector<std::string> spellings(const std::string& path) {
  std::vector<std::string> out{path};
  if (path.rfind("/usr/", 0) == 0) {
    out.push_back(path.substr(4));
  } else {
    out.push_back("/usr" + path);
  }
  return out;
}

bool package_lists(const std::string& package, const LoadedLibrary& library) {
  std::string list = "\n" + slurp(fs::path(kDpkgInfo) / (package + ".list"));
  for (const std::string& path : {library.path, library.real_path}) {
    for (const std::string& spelling : spellings(path)) {
      if (list.find("\n" + spelling + "\n") != std::string::npos) return true;
    }
  }
  return false;
}

// The Version of `package` ("name" or "name:arch") in dpkg's status file.
std::string package_version(const std::string& status, const std::string& package) {
  std::string name = package.substr(0, package.find(':'));
  std::string arch =
      package.find(':') == std::string::npos ? "" : package.substr(package.find(':') + 1);
  std::string key = "\nPackage: " + name + "\n";
  for (std::size_t at = status.find(key); at != std::string::npos; at = status.find(key, at + 1)) {
    std::size_t end = status.find("\n\n", at + 1);
    std::string stanza = status.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!arch.empty() && stanza.find("\nArchitecture: " + arch + "\n") == std::string::npos &&
        stanza.find("\nArchitecture: all\n") == std::string::npos)
      continue;
    std::size_t v = stanza.find("\nVersion: ");
    if (v == std::string::npos) continue;
    v += 10;
    return stanza.substr(v, stanza.find('\n', v) - v);
  }
  return "";
}

int collect(struct dl_phdr_info* info, size_t, void* data) {
  auto* paths = static_cast<std::vector<std::string>*>(data);
  if (info->dlpi_name != nullptr && info->dlpi_name[0] == '/') paths->push_back(info->dlpi_name);
  return 0;
}

std::vector<LoadedLibrary> find_loaded_libraries() {
  std::vector<std::string> paths;
  ::dl_iterate_phdr(collect, &paths);
  std::vector<LoadedLibrary> out;
  if (paths.empty()) return out;
  std::map<std::string, std::string> sonames = sonames_by_package();
  std::string status = "\n" + slurp("/var/lib/dpkg/status");
  for (const std::string& path : paths) {
    LoadedLibrary library;
    library.path = path;
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    library.real_path = ec ? path : real.string();
    auto it = sonames.find(fs::path(path).filename().string());
    if (it != sonames.end() && package_lists(it->second, library)) {
      library.package = it->second;
      library.version = package_version(status, it->second);
    }
    out.push_back(std::move(library));
  }
  return out;
}

}  // namespace

const std::vector<LoadedLibrary>& loaded_libraries() {
  static const std::vector<LoadedLibrary> libraries = find_loaded_libraries();
  return libraries;
}

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
