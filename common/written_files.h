#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace common {

// The SHA-256 of files this process wrote, so that the manifest need not read a large
// output back right after writing it. AtomicFile::commit() records each file it renames
// into place; written_sha256() answers only while the file is still that one (same
// device, inode, size and modification time), so a file changed since falls back to
// hashing.
void remember_written_sha256(const std::filesystem::path& path, const std::string& sha256);

// The recorded digest of `path`, or nothing when this process did not write it or it
// changed since.
std::optional<std::string> written_sha256(const std::filesystem::path& path);

}  // namespace common
