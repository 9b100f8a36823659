#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace tasks {

// What GET <url>/health answered.
struct HealthAnswer {
  bool ok = false;            // 200 with {"status":"ok", "model_sha256": ...}
  bool refused = false;       // nothing listens there (the connection was refused)
  std::string model_sha256;   // the model the service answers with ("" unless ok)
  long long pid = 0;          // who answers: the service's pid (0 when it does not say)
  std::string deploy_dir;     // its deployment's canonical directory ("" for none)
  std::string deployment_id;  // its deployment's id ("" for none)
  std::string problem;        // why not ok: "connection refused", "HTTP 500", ...
};

// Asks the service at `url` ("http://127.0.0.1:8765") for its health with a Boost.Beast
// GET, giving up after `timeout` (connect, send and answer together). No proxy is involved
// (the service is local). Never throws for network trouble: it is reported in `problem`.
// Beast rather than libcurl keeps save from loading libcurl's thirty shared libraries, a
// third of its start-up time.
HealthAnswer probe_health(const std::string& url, std::chrono::milliseconds timeout);

// What answered, for a message: "the service of deployment /srv/deploy (pid 1234)", "a
// service of no deployment (serve --model, pid 1234)", "a service that does not say its
// deployment (an older serve)", or "a process that is not a pipeline service".
std::string who_answers(const HealthAnswer& answer);

}  // namespace tasks
