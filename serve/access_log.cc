#include "serve/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "common/error.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/version.h"

namespace json = boost::json;

namespace serve {

std::string loggable(std::string_view text, std::size_t max) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(std::min(text.size(), max) + kCutMarker.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = byte > 0x20 && byte < 0x7f;
    if (out.size() + (plain ? 1 : 3) > max) {
      out.append(kCutMarker);
      return out;
    }
    if (plain) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

AccessLog::AccessLog(const std::filesystem::path& log_dir, std::string run_id)
    : path_(common::access_log_path(log_dir)),
      run_id_(std::move(run_id)),
      started_(std::chrono::steady_clock::now()) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec)
    common::throw_system_error("cannot create log directory", log_dir, ec.value(),
                               common::FileRole::kOutput);
  file_ = std::make_unique<common::JsonlAppender>(path_);
}

AccessLog::~AccessLog() = default;

void AccessLog::event(std::string_view level, std::string_view event, std::string_view msg,
                      json::object metrics, std::string_view status) {
  json::object record;
  record["run_id"] = run_id_;
  record["ts"] = common::rfc3339_now();
  record["task"] = "serve";
  record["level"] = level;
  record["event"] = event;
  record["msg"] = msg;
  record["git_sha"] = common::kGitSha;
  record["input_paths"] = json::array();
  record["output_paths"] = json::array();
  record["metrics"] = std::move(metrics);
  record["duration_s"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  record["status"] = status;
  write_line(common::to_json_line(record));  // valid UTF-8 whatever the request held
}

void AccessLog::request(const RequestRecord& r) {
  // The target only once (in metrics), cut: the message names the method and status.
  std::string method = loggable(r.method, kLoggedMethodBytes);
  std::string msg = method + " " + std::to_string(r.status);
  json::object metrics{{"method", method},
                       {"target", loggable(r.target, kLoggedTargetBytes)},
                       {"target_bytes", r.target.size()},
                       {"http_status", r.status},
                       {"bytes_in", r.bytes_in},
                       {"bytes_out", r.bytes_out},
                       {"rows", r.rows},
                       {"model_sha256", r.model_sha256},
                       {"peer", r.peer},
                       {"duration_s", r.duration_s}};
  const char* level = r.status >= 500 ? "error" : r.status >= 400 ? "warning" : "info";
  event(level, "request", msg, std::move(metrics));
}

void AccessLog::write_line(const std::string& line) {
  try {
    file_->append(line);  // one write(2) under an flock, on a fresh line (common/jsonl.h)
  } catch (const common::Error& e) {
    if (!warned_.exchange(true)) std::cerr << "serve: warning: " << e.what() << '\n';
  }
}

}  // namespace serve
