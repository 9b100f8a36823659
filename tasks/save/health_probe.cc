#include "tasks/save/health_probe.h"

#include <curl/curl.h>

#include <boost/json.hpp>
#include <memory>

namespace json = boost::json;

namespace tasks {

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  std::string* body = static_cast<std::string*>(out);
  if (body->size() > (1u << 20)) return 0;  // a health answer is small: stop a runaway body
  body->append(data, size * count);
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

}  // namespace

HealthAnswer probe_health(const std::string& url, std::chrono::milliseconds timeout) {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  HealthAnswer answer;
  std::unique_ptr<CURL, CurlDeleter> curl(initialized ? curl_easy_init() : nullptr);
  if (!curl) {
    answer.problem = "cannot initialize libcurl";
    return answer;
  }
  std::string body;
  std::string target = url + "/health";
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) {
    answer.problem = *error != '\0' ? error : curl_easy_strerror(code);
    return answer;
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    answer.problem = "HTTP " + std::to_string(status) + " from " + target;
    return answer;
  }
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  const json::object* o = ec ? nullptr : doc.if_object();
  const json::value* status_field = o != nullptr ? o->if_contains("status") : nullptr;
  const json::value* sha = o != nullptr ? o->if_contains("model_sha256") : nullptr;
  if (status_field == nullptr || !status_field->is_string() || status_field->get_string() != "ok" ||
      sha == nullptr || !sha->is_string()) {
    answer.problem = "unexpected answer from " + target + ": " + body.substr(0, 200);
    return answer;
  }
  answer.ok = true;
  answer.model_sha256 = std::string(sha->get_string());
  return answer;
}

}  // namespace tasks
