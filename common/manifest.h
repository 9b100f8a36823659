#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace common {

// Format name and version of runs/<run_id>/manifest.json (docs/manifest.md).
inline constexpr const char* kManifestFormat = "pipeline-run-manifest";
// 2: task entries are keyed by the DAG task (PIPELINE_TASK) and name their `program`.
inline constexpr int kManifestVersion = 2;

// A file as the manifest records it.
struct FileRecord {
  std::string path;         // as given on the command line
  std::uint64_t bytes = 0;  // size
  std::string sha256;       // content hash
};

// Stats and hashes `path`; a file that is not regular (a pipe) is described by what
// open_input() read of it. Throws InputMissingError/IoError.
FileRecord describe_file(const std::filesystem::path& path);
boost::json::object to_json(const FileRecord& record);
// A file the manifest names but could not describe: its size and hash are null. The one
// spelling of that record, for the tasks' entries and the driver's alike.
boost::json::object unknown_file_json(const std::string& path);

// The environment record: OS release, kernel, compiler and flags, Boost and Eigen
// versions, git sha, the shared libraries this process loaded with their Debian package
// and version (loaded_libraries(), version.h), and the sha256 of each binary in `binaries`.
boost::json::object environment_record(const std::vector<std::filesystem::path>& binaries);

// The shared libraries this process loaded, as JSON: path, real_path, package, version.
boost::json::array runtime_libraries_record();

// This program's entry in environment.binaries: path, sha256 and runtime_libraries.
boost::json::object self_binary_record();

// The path of the running executable (/proc/self/exe).
std::filesystem::path self_executable();

// Creates runs/<run_id>/ and checks that it can be written, so that a task fails before it
// commits any output rather than after (run_task). Throws OutputError.
void check_manifest_writable(const std::filesystem::path& runs_dir, const std::string& run_id);

// Reads runs/<run_id>/manifest.json (or an empty manifest skeleton), lets `edit` change
// it, and writes it back atomically, all under an flock on runs/<run_id>/.lock so that the
// processes of one run can each add their part. Throws DataError when the existing file
// is not a manifest (not JSON, another "format", no integer "version", no "tasks" object)
// or has a newer version, IoError/OutputError when it cannot be written.
void update_manifest(const std::filesystem::path& runs_dir, const std::string& run_id,
                     const std::function<void(boost::json::object&)>& edit);

}  // namespace common
