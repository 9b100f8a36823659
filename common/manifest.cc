#include "common/manifest.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <fstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/file_lock.h"
#include "common/filenames.h"
#include "common/input_file.h"
#include "common/json_util.h"
#include "common/sha256.h"
#include "common/version.h"
#include "common/written_files.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace common {

FileRecord describe_file(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw_system_error("cannot stat", path, errno, FileRole::kInput);
  if (!S_ISREG(st.st_mode)) {
    // A pipe: what the task read of it, never a second read (which would wait or lose).
    std::optional<InputCopy> copy = copied_input(path);
    if (!copy) throw InputMissingError(path.string() + ": not a regular file and not read");
    return FileRecord{path.string(), copy->bytes, copy->sha256};
  }
  // A file this process has just written was hashed as it was written.
  std::optional<std::string> written = written_sha256(path);
  return FileRecord{path.string(), static_cast<std::uint64_t>(st.st_size),
                    written ? *written : sha256_file(path)};
}

json::object to_json(const FileRecord& record) {
  return json::object{{"path", record.path}, {"bytes", record.bytes}, {"sha256", record.sha256}};
}

json::object unknown_file_json(const std::string& path) {
  return json::object{{"path", path}, {"bytes", nullptr}, {"sha256", nullptr}};
}

fs::path self_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

namespace {

std::string os_release() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      std::string value = line.substr(12);
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  return "unknown";
}

std::string kernel() {
  struct utsname u {};
  if (::uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

}  // namespace

json::array runtime_libraries_record() {
  json::array libraries;
  for (const LoadedLibrary& library : loaded_libraries()) {
    libraries.push_back(json::object{
        {"path", library.path},
        {"real_path", library.real_path},
        {"package", library.package.empty() ? json::value(nullptr) : json::value(library.package)},
        {"version",
         library.version.empty() ? json::value(nullptr) : json::value(library.version)}});
  }
  return libraries;
}

json::object self_binary_record() {
  fs::path exe = self_executable();
  return json::object{{"path", exe.string()},
                      {"sha256", sha256_file(exe)},
                      {"runtime_libraries", runtime_libraries_record()}};
}

json::object environment_record(const std::vector<fs::path>& binaries) {
  json::object binary_hashes;
  for (const fs::path& binary : binaries) {
    try {
      binary_hashes[binary.filename().string()] =
          json::object{{"path", binary.string()}, {"sha256", sha256_file(binary)}};
    } catch (const Error&) {
      binary_hashes[binary.filename().string()] =
          json::object{{"path", binary.string()}, {"sha256", nullptr}};
    }
  }
  return json::object{{"os_release", os_release()},
                      {"kernel", kernel()},
                      {"compiler", compiler_version()},
                      {"compiler_flags", compiler_flags()},
                      {"boost", boost_version()},
                      {"eigen", eigen_version()},
                      {"git_sha", kGitSha},
                      {"runtime_libraries", runtime_libraries_record()},
                      {"binaries", std::move(binary_hashes)}};
}

void check_manifest_writable(const fs::path& runs_dir, const std::string& run_id) {
  fs::path dir = manifest_path(runs_dir, run_id).parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw_system_error("cannot create run directory", dir, ec.value(), FileRole::kOutput);
  // The manifest is written by a rename in this directory, beside its lock file.
  if (::access(dir.c_str(), W_OK) != 0)
    throw_system_error("cannot write to", dir, errno, FileRole::kOutput);
}

void update_manifest(const fs::path& runs_dir, const std::string& run_id,
                     const std::function<void(json::object&)>& edit) {
  fs::path path = manifest_path(runs_dir, run_id);
  // Said here, naming the directory and why: the lock below would only report that its
  // file does not exist.
  std::error_code created;
  fs::create_directories(path.parent_path(), created);
  if (created) {
    throw_system_error("cannot create run directory", path.parent_path(), created.value(),
                       FileRole::kOutput);
  }
  FileLock lock(manifest_lock_path(path.parent_path()));
  json::object doc;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    json::value existing = read_json_file(path);
    if (!existing.is_object()) throw DataError(path.string() + ": expected a JSON object");
    doc = std::move(existing.as_object());
    // Refuse what this program would misread or break: another kind of file, a newer
    // version, or a manifest whose "tasks" the edits below could not extend.
    const json::value* format = doc.if_contains("format");
    if (format == nullptr || !format->is_string() || format->as_string() != kManifestFormat) {
      throw DataError(path.string() + ": not a run manifest (expected \"format\": \"" +
                      kManifestFormat + "\")");
    }
    const json::value* version = doc.if_contains("version");
    if (version == nullptr || !version->is_int64()) {
      throw DataError(path.string() + ": expected an integer \"version\"");
    }
    if (version->as_int64() > kManifestVersion) {
      throw DataError(path.string() + ": manifest version " + std::to_string(version->as_int64()) +
                      " is newer than this program's (" + std::to_string(kManifestVersion) + ")");
    }
    const json::value* tasks = doc.if_contains("tasks");
    if (tasks == nullptr || !tasks->is_object()) {
      throw DataError(path.string() + ": expected an object for \"tasks\"");
    }
  } else {
    doc["format"] = kManifestFormat;
    doc["version"] = kManifestVersion;
    doc["run_id"] = run_id;
    doc["tasks"] = json::object();
  }
  edit(doc);
  // A process of this run killed while writing left its temp file here (pids that still
  // run are spared; the lock keeps this run's other writers out meanwhile).
  remove_stale_temp_files(path);
  write_file_atomically(path, to_pretty_json(doc));
}

}  // namespace common
