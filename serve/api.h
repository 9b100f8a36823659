#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "serve/served_model.h"

namespace serve {

// One HTTP request as the API sees it (the transport has already read it whole).
struct ApiRequest {
  std::string_view method;        // "GET", "POST", ...
  std::string_view target;        // "/predict?x=1" (the query is ignored)
  std::string_view content_type;  // the Content-Type header, "" when absent
  std::string_view body;
};

// The answer: always a JSON body (docs/serve.md).
struct ApiResponse {
  unsigned status = 200;
  std::string body;          // JSON, ends with a newline
  std::string allow;         // the Allow header of a 405 ("" otherwise)
  std::size_t rows = 0;      // rows predicted (for the access log)
  std::string model_sha256;  // the model that answered ("" when none did)
};

// Who the service answers for, reported by GET /health: the deployment it serves (its
// canonical directory and id, tasks/save/deployment_identity.h), empty for --model.
struct ServiceIdentity {
  std::string deploy_dir;
  std::string deployment_id;
};

// The service's endpoints:
//   GET  /health   200 {"status":"ok","model_sha256":...,"uptime_s":...,"pid":...,
//                  "deploy_dir":...,"deployment_id":...} (the last two null for --model)
//   GET  /model    200 the model's metadata (served_model.h)
//   POST /predict  200 {"model_sha256":...,"predictions":[...]} for a JSON object, an array
//                  of objects or text/csv with a header; 400 naming the row and field;
//                  415 for another Content-Type
//   anything else  404, or 405 with Allow for a known path and another method
// Errors are {"error": message, "status": code}. Never throws for bad input.
class Api {
 public:
  // `identity` is who /health says answers (ServerOptions::identity).
  explicit Api(const ModelHolder& models, const ServiceIdentity& identity = {});
  ApiResponse handle(const ApiRequest& request) const;

 private:
  const ModelHolder& models_;
  std::chrono::steady_clock::time_point started_;
  std::string identity_json_;  // ,"pid":...,"deploy_dir":...,"deployment_id":...
};

// An error answer: {"error": message, "status": status}.
ApiResponse error_response(unsigned status, std::string_view message);

}  // namespace serve
