#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace tasks {

// What GET <url>/health answered.
struct HealthAnswer {
  bool ok = false;           // 200 with {"status":"ok", "model_sha256": ...}
  std::string model_sha256;  // the model the service answers with ("" unless ok)
  std::string problem;       // why not ok: "connection refused", "HTTP 500", ...
};

// Asks the service at `url` ("http://127.0.0.1:8765") for its health with a Boost.Beast
// GET, giving up after `timeout` (connect, send and answer together). No proxy is involved
// (the service is local). Never throws for network trouble: it is reported in `problem`.
// Beast rather than libcurl keeps save from loading libcurl's thirty shared libraries, a
// third of its start-up time.
HealthAnswer probe_health(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace tasks
