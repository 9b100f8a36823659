#pragma once

#include <filesystem>
#include <string>

namespace common {

// Reads a whole (small) file through open_input() (a pipe is read once). Throws
// InputMissingError or IoError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace common
