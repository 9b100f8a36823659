#include "serve/api.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <cmath>
#include <vector>

#include "common/error.h"
#include "common/json_util.h"
#include "common/message.h"
#include "common/number.h"
#include "serve/predict_body.h"

namespace json = boost::json;

namespace serve {

ApiResponse error_response(unsigned status, std::string_view message) {
  ApiResponse response;
  response.status = status;
  // Valid UTF-8 whatever the request held (a target's bytes can reach the message).
  response.body = common::to_json_line(json::object{{"error", message}, {"status", status}}) + "\n";
  return response;
}

namespace {

// The /health fields after the uptime that say who answers: fixed for the process.
std::string identity_json(const ServiceIdentity& identity) {
  auto text_or_null = [](const std::string& text) {
    return text.empty() ? std::string("null") : common::to_json_line(json::string(text));
  };
  return ",\"pid\":" + std::to_string(::getpid()) +
         ",\"deploy_dir\":" + text_or_null(identity.deploy_dir) +
         ",\"deployment_id\":" + text_or_null(identity.deployment_id);
}

constexpr std::string_view kEndpoints = "GET /health, GET /model, POST /predict";

ApiResponse health(const ServedModel& model, double uptime_s, const std::string& identity) {
  ApiResponse response;
  response.model_sha256 = model.sha256;
  response.body = "{\"status\":\"ok\",\"model_sha256\":\"" + model.sha256 + "\",\"uptime_s\":";
  common::append_number(response.body, std::round(uptime_s * 1000) / 1000);
  response.body += identity;
  response.body += "}\n";
  return response;
}

ApiResponse predict(const ServedModel& model, const ApiRequest& request) {
  std::optional<BodyFormat> format = body_format(request.content_type);
  if (!format) {
    return error_response(415, "unsupported content type \"" + std::string(request.content_type) +
                                   "\": expected application/json or text/csv");
  }
  std::vector<double> predictions;
  try {
    predictions = predict_body(model.model, *format, request.body);
  } catch (const common::DataError& e) {
    return error_response(400, e.what());
  }
  ApiResponse response;
  response.rows = predictions.size();
  response.model_sha256 = model.sha256;
  std::string& out = response.body;
  out.reserve(96 + predictions.size() * 20);
  out += "{\"model_sha256\":\"";
  out += model.sha256;
  out += "\",\"predictions\":[";
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (i > 0) out.push_back(',');
    common::append_number(out, predictions[i]);
  }
  out += "]}\n";
  return response;
}

}  // namespace

Api::Api(const ModelHolder& models, const ServiceIdentity& identity)
    : models_(models),
      started_(std::chrono::steady_clock::now()),
      identity_json_(identity_json(identity)) {}

ApiResponse Api::handle(const ApiRequest& request) const {
  std::string_view path = request.target.substr(0, request.target.find('?'));
  bool get = request.method == "GET";
  if (path == "/health" || path == "/model") {
    if (!get) {
      ApiResponse response =
          error_response(405, "method " + common::cut_for_message(request.method) +
                                  " not allowed on " + std::string(path) + "; use GET");
      response.allow = "GET, HEAD";
      return response;
    }
    std::shared_ptr<const ServedModel> model = models_.get();
    if (path == "/model") {
      ApiResponse response;
      response.model_sha256 = model->sha256;
      response.body = model->metadata;
      return response;
    }
    double uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return health(*model, uptime, identity_json_);
  }
  if (path == "/predict") {
    if (request.method != "POST") {
      ApiResponse response =
          error_response(405, "method " + common::cut_for_message(request.method) +
                                  " not allowed on /predict; use POST");
      response.allow = "POST";
      return response;
    }
    // Held for the whole request: a reload meanwhile does not change the answer's model.
    std::shared_ptr<const ServedModel> model = models_.get();
    return predict(*model, request);
  }
  return error_response(404, "no endpoint " + common::cut_for_message(path) +
                                 "; endpoints: " + std::string(kEndpoints));
}

}  // namespace serve
