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

// The service's endpoints:
//   GET  /health   200 {"status":"ok","model_sha256":...,"uptime_s":...}
//   GET  /model    200 the model's metadata (served_model.h)
//   POST /predict  200 {"model_sha256":...,"predictions":[...]} for a JSON object, an array
//                  of objects or text/csv with a header; 400 naming the row and field;
//                  415 for another Content-Type
//   anything else  404, or 405 with Allow for a known path and another method
// Errors are {"error": message, "status": code}. Never throws for bad input.
class Api {
 public:
  explicit Api(const ModelHolder& models)
      : models_(models), started_(std::chrono::steady_clock::now()) {}
  ApiResponse handle(const ApiRequest& request) const;

 private:
  const ModelHolder& models_;
  std::chrono::steady_clock::time_point started_;
};

// An error answer: {"error": message, "status": status}.
ApiResponse error_response(unsigned status, std::string_view message);

}  // namespace serve
