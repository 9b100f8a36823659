#include "common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sources/logger.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "common/error.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/jsonl.h"
#include "common/version.h"

namespace json = boost::json;
namespace logging = boost::log;
namespace sinks = boost::log::sinks;

namespace common {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buffer;
}

std::string rfc3339_now() { return rfc3339(std::chrono::system_clock::now()); }

std::string dag_task_name(std::string_view program) {
  const char* task = std::getenv("PIPELINE_TASK");
  return task != nullptr && *task != '\0' ? std::string(task) : std::string(program);
}

namespace {

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

// Boost.Log's stock file backends write a record and its newline in two system calls,
// which tears lines when several processes append to one file (boostorg/log #106). This
// backend hands each serialized record to the project's one JSON Lines appender (one
// write(2) under an flock, starting on a fresh line; common/jsonl.h).
class JsonlBackend : public sinks::basic_sink_backend<sinks::synchronized_feeding> {
 public:
  explicit JsonlBackend(std::unique_ptr<JsonlAppender> file) : file_(std::move(file)) {}

  void consume(const logging::record_view& record) {
    auto line = logging::extract<std::string>("Line", record);
    if (!line) return;
    try {
      file_->append(*line);
    } catch (const Error& e) {
      // Never fail a task because its log could not be written; say so once.
      if (!warned_) std::cerr << "warning: " << e.what() << '\n';
      warned_ = true;
    }
  }

 private:
  std::unique_ptr<JsonlAppender> file_;
  bool warned_ = false;
};

using Sink = sinks::synchronous_sink<JsonlBackend>;
std::atomic<unsigned> next_logger_id{1};

}  // namespace

struct Logger::Impl {
  unsigned id = 0;
  boost::shared_ptr<Sink> sink;
  logging::sources::logger source;
};

Logger::Logger(std::string task, std::string run_id, const std::filesystem::path& log_dir)
    : impl_(std::make_unique<Impl>()),
      task_(std::move(task)),
      dag_task_(dag_task_name(task_)),
      run_id_(std::move(run_id)),
      path_(task_log_path(log_dir, task_)),
      started_(std::chrono::steady_clock::now()) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec) throw_system_error("cannot create log directory", log_dir, ec.value(), FileRole::kOutput);
  auto file = std::make_unique<JsonlAppender>(path_);
  impl_->id = next_logger_id++;
  impl_->sink = boost::make_shared<Sink>(boost::make_shared<JsonlBackend>(std::move(file)));
  impl_->sink->set_filter(logging::expressions::attr<unsigned>("LoggerId") == impl_->id);
  logging::core::get()->add_sink(impl_->sink);
  impl_->source.add_attribute("LoggerId", logging::attributes::constant<unsigned>(impl_->id));
}

Logger::~Logger() {
  logging::core::get()->remove_sink(impl_->sink);
  impl_->sink->flush();
}

void Logger::set_paths(std::vector<std::string> inputs, std::vector<std::string> outputs) {
  inputs_ = std::move(inputs);
  outputs_ = std::move(outputs);
}

double Logger::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Logger::log(Level level, std::string_view event, std::string_view msg, json::object metrics,
                 std::string_view status) {
  json::object record;
  record["run_id"] = run_id_;
  record["ts"] = rfc3339_now();
  record["task"] = dag_task_;
  record["program"] = task_;
  record["level"] = level_name(level);
  record["event"] = event;
  record["msg"] = msg;
  record["git_sha"] = kGitSha;
  record["input_paths"] = json::value_from(inputs_);
  record["output_paths"] = json::value_from(outputs_);
  record["metrics"] = std::move(metrics);
  record["duration_s"] = elapsed_s();
  record["status"] = status;
  std::string line = to_json_line(record);  // valid UTF-8 whatever the data held
  logging::record rec = impl_->source.open_record();
  if (rec) {
    rec.attribute_values().insert("Line",
                                  logging::attributes::make_attribute_value(std::move(line)));
    impl_->source.push_record(std::move(rec));
  }
}

void Logger::warn(std::string_view event, std::string_view msg, json::object metrics) {
  std::cerr << task_ << ": " << msg << '\n';
  log(Level::kWarning, event, msg, std::move(metrics));
}

void Logger::start(std::string_view msg) { log(Level::kInfo, "start", msg); }

void Logger::end(std::string_view status, json::object metrics, std::string_view summary) {
  log(status == "ok" ? Level::kInfo : Level::kError, "end",
      summary.empty() ? std::string_view(status) : summary, std::move(metrics), status);
  if (!summary.empty()) std::cerr << task_ << ": " << summary << '\n';
}

}  // namespace common
