#include "driver/task_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/jsonl.h"
#include "common/read_file.h"
#include "common/unique_fd.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

std::string header_line() {
  return json::serialize(json::object{{"format", kStateFormat}, {"version", kStateVersion}});
}

json::object files_json(const std::map<std::string, std::string>& files) {
  json::object out;
  for (const auto& [path, sha] : files) out[path] = sha;
  return out;
}

bool read_files(const json::value* v, std::map<std::string, std::string>& out) {
  if (v == nullptr || !v->is_object()) return false;
  for (const auto& [path, sha] : v->as_object()) {
    if (!sha.is_string()) return false;
    out[std::string(path)] = std::string(sha.as_string());
  }
  return true;
}

std::string string_of(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string record_line(const std::string& task, const TaskRecord& record) {
  json::object doc;
  doc["task"] = task;
  doc["argv"] = json::value_from(record.argv);
  doc["program"] = record.program;
  doc["program_sha256"] = record.program_sha256;
  doc["inputs"] = files_json(record.inputs);
  doc["outputs"] = files_json(record.outputs);
  doc["run_id"] = record.run_id;
  doc["finished"] = record.finished;
  return common::to_json_line(doc);
}

// A record line, or nullopt for a torn or foreign line.
std::optional<std::pair<std::string, TaskRecord>> parse_record(std::string_view line) {
  boost::system::error_code ec;
  json::value doc = json::parse(line, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object& o = doc.as_object();
  std::string task = string_of(o, "task");
  const json::value* argv = o.if_contains("argv");
  if (task.empty() || argv == nullptr || !argv->is_array()) return std::nullopt;
  TaskRecord record;
  for (const json::value& a : argv->as_array()) {
    if (!a.is_string()) return std::nullopt;
    record.argv.emplace_back(a.as_string());
  }
  record.program = string_of(o, "program");
  record.program_sha256 = string_of(o, "program_sha256");
  record.run_id = string_of(o, "run_id");
  record.finished = string_of(o, "finished");
  if (!read_files(o.if_contains("inputs"), record.inputs) ||
      !read_files(o.if_contains("outputs"), record.outputs)) {
    return std::nullopt;
  }
  return std::make_pair(std::move(task), std::move(record));
}

}  // namespace

StateLog::StateLog(const fs::path& state_dir) : path_(common::state_log_path(state_dir)) {
  std::string text;
  try {
    text = common::read_file(path_);
  } catch (const common::InputMissingError&) {
    return;
  } catch (const common::Error& e) {
    problem_ = std::string("state log unreadable: ") + e.what();
    return;
  }
  std::size_t end = text.find('\n');
  boost::system::error_code ec;
  json::value header = json::parse(std::string_view(text).substr(0, end), ec);
  const json::object* h = ec ? nullptr : header.if_object();
  const json::value* version = h != nullptr ? h->if_contains("version") : nullptr;
  if (h == nullptr || string_of(*h, "format") != kStateFormat || version == nullptr ||
      !version->is_int64()) {
    problem_ = "state log " + path_.string() + " is corrupt";
    return;
  }
  if (version->as_int64() > kStateVersion) {
    problem_ = "state log was written by a newer driver (version " +
               std::to_string(version->as_int64()) + ")";
    return;
  }
  while (end != std::string::npos && end + 1 < text.size()) {
    std::size_t next = text.find('\n', end + 1);
    if (next == std::string::npos) break;  // a torn last line
    if (auto record = parse_record(std::string_view(text).substr(end + 1, next - end - 1))) {
      records_[record->first] = std::move(record->second);
      ++lines_;
    }
    end = next;
  }
}

StateLog::~StateLog() = default;

std::optional<TaskRecord> StateLog::find(const std::string& task, std::string* problem) const {
  auto it = records_.find(task);
  if (it != records_.end()) return it->second;
  if (problem != nullptr) *problem = problem_;
  return std::nullopt;
}

void StateLog::append(const std::string& task, const TaskRecord& record) {
  if (!appender_) {
    std::error_code ec;
    fs::create_directories(path_.parent_path(), ec);
    common::UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (fd.get() < 0)
      common::throw_system_error("cannot open", path_, errno, common::FileRole::kOutput);
    struct stat st {};
    // A log that was unusable (corrupt, or from a newer driver) starts again.
    bool fresh = ::fstat(fd.get(), &st) == 0 && st.st_size == 0;
    if (!fresh && !problem_.empty()) {
      if (::ftruncate(fd.get(), 0) != 0)
        common::throw_system_error("cannot truncate", path_, errno);
      fresh = true;
      problem_.clear();
    }
    // Appends start on a fresh line, so a record torn by a kill never swallows the next.
    appender_ = std::make_unique<common::JsonlAppender>(path_);
    if (fresh) appender_->append(header_line());
  }
  appender_->append(record_line(task, record));
  records_[task] = record;
  ++lines_;
}

void StateLog::compact_if_needed() {
  // A driver killed while compacting left its temp file beside the log; no append removes it.
  common::remove_stale_temp_files(path_);
  if (lines_ <= 3 * records_.size() || lines_ < 50) return;
  std::string text = header_line() + "\n";
  for (const auto& [task, record] : records_) text += record_line(task, record) + "\n";
  common::write_file_atomically(path_, text);
  appender_.reset();  // it points at the replaced file
  lines_ = records_.size();
}

}  // namespace driver
