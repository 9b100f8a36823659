#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/jsonl.h"

namespace serve {

// The most bytes of a request target (and method) the access log keeps: a longer one is cut
// there and marked with kCutMarker, so one client cannot fill the disk with long targets.
inline constexpr std::size_t kLoggedTargetBytes = 256;
inline constexpr std::size_t kLoggedMethodBytes = 32;
inline constexpr std::string_view kCutMarker = "\u2026";  // an ellipsis

// `text` as the log writes a target: bytes outside printable ASCII percent-encoded
// (%XX, as in a URI; so the line is valid UTF-8 JSON whatever the client sent), cut to
// `max` bytes (never inside a %XX) followed by kCutMarker when longer.
std::string loggable(std::string_view text, std::size_t max);

// One request as the access log records it.
struct RequestRecord {
  std::string_view method;
  std::string_view target;
  unsigned status = 0;
  std::size_t bytes_in = 0;       // request body
  std::size_t bytes_out = 0;      // response body
  std::size_t rows = 0;           // rows predicted
  double duration_s = 0;          // from the request's first byte to its response queued
  std::string_view model_sha256;  // the model that answered ("" when none)
  std::string_view peer;          // "127.0.0.1:53412"
};

// `<log_dir>/serve.log`: JSON Lines with the fields of every pipeline log (docs/logs.md:
// run_id, ts, task "serve", level, event, msg, git_sha, input_paths, output_paths, metrics,
// duration_s (since the service started), status ("running", "ok" on the stop event)),
// one line per event written with a single write(2) on an O_APPEND
// descriptor, so threads and processes appending at once never tear a line. Events:
// "start", "request", "reload", "reload_failed", "stop". Thread-safe; a failed write is
// reported once on stderr and never fails a request.
class AccessLog {
 public:
  // Opens (creating) the file. Throws OutputError when it cannot be created.
  AccessLog(const std::filesystem::path& log_dir, std::string run_id);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // `level` is "info", "warning" or "error".
  void event(std::string_view level, std::string_view event, std::string_view msg,
             boost::json::object metrics = {}, std::string_view status = "running");
  void request(const RequestRecord& record);

  const std::filesystem::path& path() const { return path_; }

 private:
  void write_line(const std::string& line);

  std::filesystem::path path_;
  std::string run_id_;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<common::JsonlAppender> file_;
  std::atomic<bool> warned_{false};
};

}  // namespace serve
