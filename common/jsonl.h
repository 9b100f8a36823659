#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"

namespace common {

// The one writer of every JSON Lines file the project keeps (task logs, serve.log,
// deploy/history.jsonl, the driver's log; docs/logs.md, "JSON Lines"). An append
//  - holds an flock on the file, so writers in other processes queue (and a mutex, so
//    this process's threads do: append() is thread-safe);
//  - starts on a fresh line: when the file does not end in '\n' (a writer killed or
//    stopped by a full disk in the middle of a record left a fragment), a '\n' goes first,
//    so the fragment stays one bad line and the new record is whole on its own;
//  - is one write(2) on O_APPEND; a write cut short is truncated back (best effort);
//  - fails with an IoError that names the file and says when the disk is full
//    (ENOSPC, EDQUOT): "cannot append to logs/clean.log: the disk is full (No space left
//    on device)".
class JsonlAppender {
 public:
  // Opens (creating, with its parent directories) `path`. Throws OutputError when it
  // cannot be created.
  explicit JsonlAppender(std::filesystem::path path);
  // Appends `record` (one line of JSON, without its newline). Throws IoError.
  void append(std::string_view record);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
  std::mutex mutex_;  // the flock does not keep this process's threads apart
};

// Opens, appends one record, closes.
void append_jsonl(const std::filesystem::path& path, std::string_view record);

// The records of a JSON Lines file, in order; a missing file has none. A line that is not
// a JSON document (a torn record: the fragment a killed writer left, or a last line
// without its newline) is skipped, and `warn` gets "<path>:<line>: skipped a torn record
// (<n> bytes that are not JSON)". Blank lines are skipped silently. Throws IoError when
// the file cannot be read.
std::vector<boost::json::value> read_jsonl(const std::filesystem::path& path,
                                           const std::function<void(const std::string&)>& warn);

// The message of a failed write to `path`: "cannot append to <path>: the disk is full
// (...)" for ENOSPC/EDQUOT, "cannot append to <path>: <strerror>" otherwise.
std::string append_error_message(const std::filesystem::path& path, int err);

}  // namespace common
