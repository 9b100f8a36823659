#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace tasks {

// Where ingest reads from: a local path, a file:// URI or an http(s):// URI.
struct Source {
  enum class Kind { kFile, kHttp };
  Kind kind = Kind::kFile;
  std::string uri;   // as given
  std::string path;  // local path (kFile)
};

// Parses `uri`. Throws UsageError for an unsupported scheme ("ftp://...").
Source parse_source(const std::string& uri);

struct FetchOptions {
  std::chrono::seconds connect_timeout{10};  // TCP/TLS connect
  std::chrono::seconds stall_timeout{10};    // abort when no byte came for this long
  std::chrono::seconds total_timeout{600};   // whole transfer
};

// Receives the source's bytes as they arrive.
using ByteSink = std::function<void(std::string_view)>;

// Streams the source's bytes into `sink`. Throws InputMissingError (no such file, HTTP
// 404/410), TransientError (network errors, timeouts, HTTP 429/5xx), IoError (read errors;
// transient for EIO/EAGAIN/...) or DataError (other HTTP statuses).
void fetch(const Source& source, const FetchOptions& options, const ByteSink& sink);

}  // namespace tasks
