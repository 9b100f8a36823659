#pragma once

#include <filesystem>
#include <string>

namespace driver {

// Resolves cmd[0] the way the driver runs it (SPEC section 6):
// - a name with a '/' is a path, relative to `workdir` unless absolute;
// - otherwise `program_dir/name` when that is an executable file (the task programs are
//   built beside the driver), then the directories of $PATH.
// Returns an absolute path, or an empty path when nothing executable was found.
std::filesystem::path find_program(const std::string& name,
                                   const std::filesystem::path& program_dir,
                                   const std::filesystem::path& workdir);

// True when `path` is a regular file the current user may execute.
bool is_executable_file(const std::filesystem::path& path);

}  // namespace driver
