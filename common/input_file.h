#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/unique_fd.h"

namespace common {

// The one way a program opens a file it reads (docs/csv.md, "Pipes and devices").
//
// A regular file is opened as it is: every call gets a descriptor of its own at offset 0,
// so a reader may pass over it as often as it likes. Anything else (a pipe, a FIFO,
// /dev/stdin, a character device) can be read only once, so the first call reads it to
// its end exactly once, into an unlinked temporary file in $TMPDIR (O_TMPFILE, or
// mkstemp+unlink), hashing the bytes as they pass; that call and every later one for the
// same file (same device and inode) get a fresh descriptor of the copy. Multi-pass
// readers, the manifest hash and sha256_file() therefore all see the same bytes, and
// messages still name the user's path (/dev/stdin). Thread-safe: a second thread asking
// for a file being copied waits for the copy.
//
// Throws InputMissingError when the path cannot be opened, IoError when it cannot be read
// or the copy cannot be written ("cannot copy /dev/stdin (a pipe) to a temporary file in
// /tmp: No space left on device; set TMPDIR to a larger disk").
UniqueFd open_input(const std::filesystem::path& path);

// What open_input() read from a file that was not regular: its size and SHA-256 (lowercase
// hex). Nothing for a regular file, or for one not opened through open_input() yet; never
// reads the file.
struct InputCopy {
  std::uint64_t bytes = 0;
  std::string sha256;
};
std::optional<InputCopy> copied_input(const std::filesystem::path& path);

// Whether `path` names a regular file (after symbolic links); false when it cannot be
// stat'ed.
bool is_regular_file(const std::filesystem::path& path);

}  // namespace common
