#include "driver/dag_loader.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <set>

#include "common/atomic_file.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/number.h"
#include "common/read_file.h"
#include "driver/driver_error.h"
#include "driver/graph.h"
#include "driver/json_source.h"
#include "driver/program_lookup.h"
#include "driver/spellcheck.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

const std::vector<std::string> kTopKeys{"version", "description", "workdir", "defaults", "tasks"};
const std::vector<std::string> kDefaultsKeys{"retry", "timeout_s", "kill_grace_s"};
const std::vector<std::string> kTaskKeys{
    "name",  "description", "cmd",          "inputs",           "outputs",   "deps",
    "retry", "timeout_s",   "kill_grace_s", "service_pid_file", "always_run"};
const std::vector<std::string> kRetryKeys{"n_tries",     "delay_s", "backoff",
                                          "max_delay_s", "jitter",  "retry_on"};

std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return "a string";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::null:
      return "null";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

// A number as the user wrote it, near enough: 0, -1, 0.5, 1e+20.
std::string number_text(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  return common::format_number(v.as_double());
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool is_exit_code(double d) { return d >= 1 && d <= 255 && d == std::floor(d); }

bool valid_task_name(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The executable files in `dir` (the pipeline's programs, beside the driver), for "did
// you mean" on a mistyped program name. PATH is not listed: too many far-off names.
std::vector<std::string> programs_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (dir.empty()) return names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    std::error_code entry_ec;
    if (!entry.is_regular_file(entry_ec)) continue;
    if ((entry.status(entry_ec).permissions() & fs::perms::owner_exec) == fs::perms::none) continue;
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());  // ties go to the first name, whatever the listing order
  return names;
}

// Walks the parsed document, turning every problem into "<path>:LINE:COL: <message>".
class Loader {
 public:
  Loader(std::string_view text, const fs::path& path, const LoadOptions& options)
      : text_(text), path_(path), options_(options) {}

  Dag load();

 private:
  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    common::TextPosition pos = common::position_of(text_, offset);
    throw ConfigError(path_.string() + ":" + std::to_string(pos.line) + ":" +
                      std::to_string(pos.column) + ": " + message);
  }
  std::string line_col(std::size_t offset) const {
    common::TextPosition pos = common::position_of(text_, offset);
    return std::to_string(pos.line) + ":" + std::to_string(pos.column);
  }
  std::size_t at(const std::string& pointer) const { return source_.offset_of(pointer); }

  std::string context_of(const std::string& pointer) const;
  void check_keys(const json::object& object, const std::string& pointer,
                  const std::vector<std::string>& allowed, const std::string& context) const;
  const json::object& object_field(const json::value& v, const std::string& pointer,
                                   const std::string& context, const std::string& key) const;
  std::string string_field(const json::value& v, const std::string& pointer,
                           const std::string& context, const std::string& key) const;
  std::vector<std::string> string_list(const json::value& v, const std::string& pointer,
                                       const std::string& context, const std::string& key) const;
  enum class Range { kPositive, kNonNegative, kAtLeastOne, kFraction };
  double number_field(const json::value& v, const std::string& pointer, const std::string& context,
                      const std::string& key, Range range) const;
  // A number of seconds in the range, and at most kMaxDurationS.
  double duration_field(const json::value& v, const std::string& pointer,
                        const std::string& context, const std::string& key, Range range) const;
  int int_field(const json::value& v, const std::string& pointer, const std::string& context,
                const std::string& key, long min, long max) const;
  RetryPolicy retry_field(const json::value& v, const std::string& pointer,
                          const std::string& context, RetryPolicy policy) const;

  void load_version(const json::object& root);
  void load_defaults(const json::object& root);
  void load_tasks(const json::object& root);
  Task load_task(const json::value& v, std::size_t index);
  void check_output(const Task& task, const std::string& pointer, std::size_t o) const;
  void link_tasks();
  void check_cycles();
  void check_environment();

  std::string_view text_;
  fs::path path_;
  LoadOptions options_;
  JsonSource source_;
  Dag dag_;
  RetryPolicy default_retry_;
  double default_timeout_s_ = 0;
  double default_kill_grace_s_ = 5;
  // Offset of the entry that declares each edge (a deps entry or an input), for messages.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> edge_offsets_;
};

std::string Loader::context_of(const std::string& pointer) const {
  // "/tasks/3/retry/x" → `task "clean": retry: `; "/defaults/retry/x" → "defaults.retry: ".
  if (pointer.rfind("/defaults/retry/", 0) == 0) return "defaults.retry: ";
  if (pointer.rfind("/defaults/", 0) == 0) return "defaults: ";
  if (pointer.rfind("/tasks/", 0) != 0) return "";
  std::size_t end = pointer.find('/', 7);
  std::string index_text =
      pointer.substr(7, end == std::string::npos ? std::string::npos : end - 7);
  std::string context = "tasks[" + index_text + "]: ";
  const json::value* tasks_value = source_.root.as_object().if_contains("tasks");
  const json::array* tasks = tasks_value != nullptr ? tasks_value->if_array() : nullptr;
  std::size_t index = std::stoul(index_text);
  if (tasks != nullptr && index < tasks->size() && (*tasks)[index].is_object()) {
    const json::value* name = (*tasks)[index].as_object().if_contains("name");
    if (name != nullptr && name->is_string())
      context = "task " + in_quotes(name->as_string()) + ": ";
  }
  if (end != std::string::npos && pointer.compare(end, 7, "/retry/") == 0) context += "retry: ";
  return context;
}

void Loader::check_keys(const json::object& object, const std::string& pointer,
                        const std::vector<std::string>& allowed, const std::string& context) const {
  for (const auto& [key, value] : object) {
    bool known = false;
    for (const std::string& a : allowed) known = known || a == key;
    if (known) continue;
    std::string suggestion = did_you_mean(key, allowed);
    std::string message = context + "unknown key " + in_quotes(key);
    if (!suggestion.empty()) {
      message += suggestion;
    } else {
      message += " (expected one of:";
      for (const std::string& a : allowed) message += " " + a;
      message += ")";
    }
    fail(source_.key_offset_of(pointer_append(pointer, key)), message);
  }
}

const json::object& Loader::object_field(const json::value& v, const std::string& pointer,
                                         const std::string& context, const std::string& key) const {
  if (!v.is_object()) {
    fail(at(pointer),
         context + "expected an object for " + in_quotes(key) + ", found " + kind_of(v));
  }
  return v.as_object();
}

std::string Loader::string_field(const json::value& v, const std::string& pointer,
                                 const std::string& context, const std::string& key) const {
  if (!v.is_string()) {
    fail(at(pointer),
         context + "expected a string for " + in_quotes(key) + ", found " + kind_of(v));
  }
  return std::string(v.as_string());
}

std::vector<std::string> Loader::string_list(const json::value& v, const std::string& pointer,
                                             const std::string& context,
                                             const std::string& key) const {
  if (!v.is_array()) {
    fail(at(pointer),
         context + "expected an array of strings for " + in_quotes(key) + ", found " + kind_of(v));
  }
  std::vector<std::string> out;
  const json::array& items = v.as_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item_pointer = pointer_append(pointer, i);
    if (!items[i].is_string()) {
      fail(at(item_pointer),
           context + "expected a string in " + in_quotes(key) + ", found " + kind_of(items[i]));
    }
    if (items[i].as_string().empty())
      fail(at(item_pointer), context + "empty string in " + in_quotes(key));
    out.emplace_back(items[i].as_string());
  }
  return out;
}

double Loader::number_field(const json::value& v, const std::string& pointer,
                            const std::string& context, const std::string& key, Range range) const {
  if (!v.is_number()) {
    fail(at(pointer),
         context + "expected a number for " + in_quotes(key) + ", found " + kind_of(v));
  }
  double d = common::json_number(v, key);
  const char* expected = nullptr;
  if (range == Range::kPositive && !(d > 0)) expected = "a positive number";
  if (range == Range::kNonNegative && !(d >= 0)) expected = "a number >= 0";
  if (range == Range::kAtLeastOne && !(d >= 1)) expected = "a number >= 1";
  if (range == Range::kFraction && !(d >= 0 && d <= 1)) expected = "a number from 0 to 1";
  if (!std::isfinite(d)) expected = "a finite number";
  if (expected != nullptr) {
    fail(at(pointer),
         context + "expected " + expected + " for " + in_quotes(key) + ", found " + number_text(v));
  }
  return d;
}

double Loader::duration_field(const json::value& v, const std::string& pointer,
                              const std::string& context, const std::string& key,
                              Range range) const {
  double d = number_field(v, pointer, context, key, range);
  if (d > kMaxDurationS) {
    fail(at(pointer), context + "expected at most " + common::format_number(kMaxDurationS) +
                          " seconds (30 days) for " + in_quotes(key) + ", found " + number_text(v));
  }
  return d;
}

int Loader::int_field(const json::value& v, const std::string& pointer, const std::string& context,
                      const std::string& key, long min, long max) const {
  std::string expected = "expected an integer from " + std::to_string(min) + " to " +
                         std::to_string(max) + " for " + in_quotes(key) + ", found ";
  if (!v.is_number()) fail(at(pointer), context + expected + kind_of(v));
  double d = common::json_number(v, key);
  if (d != std::floor(d) || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    fail(at(pointer), context + expected + number_text(v));
  }
  return static_cast<int>(d);
}

RetryPolicy Loader::retry_field(const json::value& v, const std::string& pointer,
                                const std::string& context, RetryPolicy policy) const {
  const json::object& retry = object_field(v, pointer, context, "retry");
  std::string inner = context_of(pointer_append(pointer, "n_tries"));
  check_keys(retry, pointer, kRetryKeys, inner);
  for (const auto& [key, value] : retry) {
    std::string p = pointer_append(pointer, key);
    if (key == "n_tries") policy.n_tries = int_field(value, p, inner, "n_tries", 1, 1000);
    if (key == "delay_s")
      policy.delay_s = duration_field(value, p, inner, "delay_s", Range::kNonNegative);
    if (key == "backoff")
      policy.backoff = number_field(value, p, inner, "backoff", Range::kAtLeastOne);
    if (key == "max_delay_s") {
      policy.max_delay_s = duration_field(value, p, inner, "max_delay_s", Range::kNonNegative);
    }
    if (key == "jitter") policy.jitter = number_field(value, p, inner, "jitter", Range::kFraction);
    if (key == "retry_on") {
      if (!value.is_array()) {
        fail(at(p), inner + "expected an array for \"retry_on\", found " + kind_of(value));
      }
      policy.retry_on_exit.clear();
      policy.retry_on_timeout = false;
      policy.retry_on_signal = false;
      const json::array& items = value.as_array();
      for (std::size_t i = 0; i < items.size(); ++i) {
        const json::value& item = items[i];
        if (item.is_string() && item.as_string() == "timeout") {
          policy.retry_on_timeout = true;
        } else if (item.is_string() && item.as_string() == "signal") {
          policy.retry_on_signal = true;
        } else if (item.is_number() && is_exit_code(common::json_number(item, "retry_on"))) {
          policy.retry_on_exit.push_back(static_cast<int>(common::json_number(item, "retry_on")));
        } else {
          std::string found = item.is_string()   ? in_quotes(item.as_string())
                              : item.is_number() ? number_text(item)
                                                 : kind_of(item);
          std::string message = inner;
          message +=
              "expected an exit code (1-255), \"timeout\" or \"signal\" in \"retry_on\", found ";
          message += found;
          fail(at(pointer_append(p, i)), message);
        }
      }
    }
  }
  return policy;
}

void Loader::load_version(const json::object& root) {
  const json::value* version = root.if_contains("version");
  if (version == nullptr) fail(at(""), "missing required key \"version\"");
  if (!version->is_number()) {
    fail(at("/version"), "expected an integer for \"version\", found " + kind_of(*version));
  }
  double v = common::json_number(*version, "version");
  if (v != std::floor(v) || v < 1) {
    fail(at("/version"), "unsupported version " + number_text(*version) +
                             " (this driver reads version " + std::to_string(kDagVersion) + ")");
  }
  if (v > kDagVersion) {
    fail(at("/version"), "version " + number_text(*version) +
                             " is newer than this driver supports (" + std::to_string(kDagVersion) +
                             "); upgrade the driver");
  }
  dag_.version = static_cast<int>(v);
}

void Loader::load_defaults(const json::object& root) {
  const json::value* defaults = root.if_contains("defaults");
  if (defaults == nullptr) return;
  const json::object& object = object_field(*defaults, "/defaults", "", "defaults");
  check_keys(object, "/defaults", kDefaultsKeys, "defaults: ");
  for (const auto& [key, value] : object) {
    std::string p = pointer_append("/defaults", key);
    if (key == "retry") default_retry_ = retry_field(value, p, "defaults: ", default_retry_);
    if (key == "timeout_s")
      default_timeout_s_ = duration_field(value, p, "defaults: ", key, Range::kPositive);
    if (key == "kill_grace_s") {
      default_kill_grace_s_ = duration_field(value, p, "defaults: ", key, Range::kNonNegative);
    }
  }
}

Task Loader::load_task(const json::value& v, std::size_t index) {
  std::string pointer = pointer_append("/tasks", index);
  std::string context = "tasks[" + std::to_string(index) + "]: ";
  if (!v.is_object())
    fail(at(pointer), context + "expected an object for a task, found " + kind_of(v));
  const json::object& object = v.as_object();
  Task task;
  const json::value* name = object.if_contains("name");
  if (name == nullptr) fail(at(pointer), context + "missing required key \"name\"");
  task.name = string_field(*name, pointer + "/name", context, "name");
  if (!valid_task_name(task.name)) {
    fail(at(pointer + "/name"), context + "invalid task name " + in_quotes(task.name) +
                                    ": expected letters, digits, '_', '-' or '.'");
  }
  if (task.name.size() > kMaxTaskNameLength) {
    fail(at(pointer + "/name"), context + "task name of " + std::to_string(task.name.size()) +
                                    " characters is too long: at most " +
                                    std::to_string(kMaxTaskNameLength) +
                                    " (it is part of log file names)");
  }
  context = "task " + in_quotes(task.name) + ": ";
  check_keys(object, pointer, kTaskKeys, context);
  if (!object.contains("cmd")) fail(at(pointer), context + "missing required key \"cmd\"");
  task.retry = default_retry_;
  task.timeout_s = default_timeout_s_;
  task.kill_grace_s = default_kill_grace_s_;
  for (const auto& [key, value] : object) {
    std::string p = pointer_append(pointer, key);
    if (key == "description") task.description = string_field(value, p, context, key);
    if (key == "cmd") {
      task.cmd = string_list(value, p, context, key);
      if (task.cmd.empty())
        fail(at(p), context + "\"cmd\" is empty: expected the program and its arguments");
    }
    if (key == "inputs") task.inputs = string_list(value, p, context, key);
    if (key == "outputs") task.outputs = string_list(value, p, context, key);
    if (key == "deps") task.deps = string_list(value, p, context, key);
    if (key == "retry") task.retry = retry_field(value, p, context, task.retry);
    if (key == "timeout_s")
      task.timeout_s = duration_field(value, p, context, key, Range::kPositive);
    if (key == "kill_grace_s")
      task.kill_grace_s = duration_field(value, p, context, key, Range::kNonNegative);
    if (key == "always_run") {
      if (!value.is_bool()) {
        fail(at(p), context + "expected true or false for " + in_quotes(key) + ", found " +
                        kind_of(value));
      }
      task.always_run = value.as_bool();
    }
    if (key == "service_pid_file") {
      task.service_pid_file = string_field(value, p, context, key);
      if (task.service_pid_file.empty()) fail(at(p), context + "\"service_pid_file\" is empty");
    }
  }
  if (!task.service_pid_file.empty()) {
    task.service_pid_path = (dag_.workdir / task.service_pid_file).lexically_normal();
  }
  for (const std::string& input : task.inputs) {
    task.input_files.push_back((dag_.workdir / input).lexically_normal());
  }
  for (std::size_t o = 0; o < task.outputs.size(); ++o) {
    task.output_files.push_back((dag_.workdir / task.outputs[o]).lexically_normal());
    check_output(task, pointer, o);
  }
  return task;
}

// An output must be a file the task alone writes: not a directory, and not one of the
// paths the driver keeps for itself (docs/driver.md "Where things go"), which a run would
// otherwise hash, overwrite or delete under the driver's feet.
void Loader::check_output(const Task& task, const std::string& pointer, std::size_t o) const {
  const std::string& output = task.outputs[o];
  const fs::path& file = task.output_files[o];
  std::string prefix = "task " + in_quotes(task.name) + ": output " + in_quotes(output);
  std::size_t offset = at(pointer_append(pointer_append(pointer, "outputs"), o));
  fs::path relative = file.lexically_relative(dag_.workdir);
  bool names_directory = output.back() == '/' || relative == "." || relative.empty() ||
                         file.filename() == "." || file.filename() == "..";
  if (names_directory) fail(offset, prefix + " is a directory: an output must be a file");

  auto inside = [](const fs::path& path, const fs::path& dir) {
    fs::path rel = path.lexically_relative(dir);
    return !rel.empty() && *rel.begin() != "..";
  };
  struct Owned {
    fs::path path;
    bool directory;
    const char* what;
  };
  const fs::path dag_file = fs::absolute(path_).lexically_normal();
  const Owned owned[] = {
      {common::state_dir(dag_.workdir), true, "the driver's state directory <workdir>/.state/"},
      {common::workspace_lock_path(dag_.workdir), false, "the driver's lock file <workdir>/.lock"},
      {dag_file, false, "the dag file"},
      {common::default_log_dir(dag_.dir), true, "the driver's logs/ directory beside dag.json"},
      {common::default_metrics_dir(dag_.dir), true,
       "the driver's metrics/ directory beside dag.json"},
      {common::default_runs_dir(dag_.dir), true, "the driver's runs/ directory beside dag.json"},
  };
  for (const Owned& o : owned) {
    if (o.directory ? inside(file, o.path) : file == o.path)
      fail(offset, prefix + (o.directory ? " is in " : " is ") + o.what + " (docs/driver.md)");
  }
}

void Loader::load_tasks(const json::object& root) {
  const json::value* tasks = root.if_contains("tasks");
  if (tasks == nullptr) fail(at(""), "missing required key \"tasks\"");
  if (!tasks->is_array()) {
    fail(at("/tasks"), "expected an array of tasks for \"tasks\", found " + kind_of(*tasks));
  }
  const json::array& items = tasks->as_array();
  if (items.empty()) fail(at("/tasks"), "\"tasks\" is empty: declare at least one task");
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Task task = load_task(items[i], i);
    auto [it, inserted] = seen.emplace(task.name, i);
    if (!inserted) {
      fail(at(pointer_append(pointer_append("/tasks", i), "name")),
           "task " + in_quotes(task.name) + " is declared twice (first at " +
               line_col(at(pointer_append(pointer_append("/tasks", it->second), "name"))) + ")");
    }
    dag_.tasks.push_back(std::move(task));
  }
}

void Loader::link_tasks() {
  std::vector<std::string> names;
  for (const Task& task : dag_.tasks) names.push_back(task.name);
  dag_.needs.assign(dag_.tasks.size(), {});
  auto add_edge = [&](std::size_t task, std::size_t needed, std::size_t offset) {
    dag_.needs[task].push_back(needed);
    edge_offsets_.emplace(std::make_pair(task, needed), offset);
  };

  for (std::size_t t = 0; t < dag_.tasks.size(); ++t) {
    const Task& task = dag_.tasks[t];
    std::string deps_pointer = pointer_append(pointer_append("/tasks", t), "deps");
    for (std::size_t d = 0; d < task.deps.size(); ++d) {
      std::size_t needed = dag_.find(task.deps[d]);
      std::size_t offset = at(pointer_append(deps_pointer, d));
      if (needed == dag_.tasks.size()) {
        fail(offset, "task " + in_quotes(task.name) + ": unknown dependency " +
                         in_quotes(task.deps[d]) + did_you_mean(task.deps[d], names));
      }
      add_edge(t, needed, offset);
    }
  }

  // Every output has exactly one producer.
  std::map<fs::path, std::pair<std::size_t, std::size_t>> producers;  // file → task, output index
  for (std::size_t t = 0; t < dag_.tasks.size(); ++t) {
    const Task& task = dag_.tasks[t];
    std::string outputs_pointer = pointer_append(pointer_append("/tasks", t), "outputs");
    for (std::size_t o = 0; o < task.output_files.size(); ++o) {
      auto [it, inserted] = producers.emplace(task.output_files[o], std::make_pair(t, o));
      if (inserted) continue;
      auto [first_task, first_output] = it->second;
      std::string first_pointer = pointer_append(
          pointer_append(pointer_append("/tasks", first_task), "outputs"), first_output);
      std::string where = line_col(at(first_pointer));
      if (first_task == t) {
        fail(at(pointer_append(outputs_pointer, o)),
             "task " + in_quotes(task.name) + ": output " + in_quotes(task.outputs[o]) +
                 " is listed twice (first at " + where + ")");
      }
      fail(at(pointer_append(outputs_pointer, o)),
           "task " + in_quotes(task.name) + ": output " + in_quotes(task.outputs[o]) +
               " is also an output of task " + in_quotes(dag_.tasks[first_task].name) + " (" +
               where + ")");
    }
  }

  // An input produced by another task makes that task a dependency.
  for (std::size_t t = 0; t < dag_.tasks.size(); ++t) {
    const Task& task = dag_.tasks[t];
    std::string inputs_pointer = pointer_append(pointer_append("/tasks", t), "inputs");
    for (std::size_t i = 0; i < task.input_files.size(); ++i) {
      auto it = producers.find(task.input_files[i]);
      if (it == producers.end()) continue;
      std::size_t producer = it->second.first;
      add_edge(t, producer, at(pointer_append(inputs_pointer, i)));
      dag_.edge_files[{t, producer}].push_back(task.inputs[i]);
    }
  }
  for (auto& needs : dag_.needs) {
    std::sort(needs.begin(), needs.end());
    needs.erase(std::unique(needs.begin(), needs.end()), needs.end());
  }
}

void Loader::check_cycles() {
  std::vector<std::size_t> cycle = find_cycle(dag_.needs);
  if (cycle.empty()) return;
  // Start the path at the task declared last: in a pipeline written top to bottom, the
  // suspicious edge is usually an earlier task needing a later one, and the path then
  // reads like the spec's "train -> clean -> train".
  cycle.pop_back();
  auto last = std::max_element(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), last, cycle.end());
  cycle.push_back(cycle.front());
  std::size_t blame = 0;  // the first edge to a task declared later, else the first edge
  for (std::size_t i = 0; i + 1 < cycle.size(); ++i) {
    if (cycle[i + 1] > cycle[i]) {
      blame = i;
      break;
    }
  }
  std::string path;
  for (std::size_t i = 0; i < cycle.size(); ++i)
    path += (i ? " -> " : "") + dag_.tasks[cycle[i]].name;
  fail(edge_offsets_.at({cycle[blame], cycle[blame + 1]}), "dependency cycle: " + path);
}

void Loader::check_environment() {
  std::set<fs::path> produced;
  for (const Task& task : dag_.tasks)
    produced.insert(task.output_files.begin(), task.output_files.end());
  for (std::size_t t = 0; t < dag_.tasks.size(); ++t) {
    const Task& task = dag_.tasks[t];
    std::string pointer = pointer_append("/tasks", t);
    if (options_.check_inputs) {
      for (std::size_t o = 0; o < task.outputs.size(); ++o) {
        std::error_code ec;
        if (fs::is_directory(task.output_files[o], ec)) {
          fail(at(pointer_append(pointer_append(pointer, "outputs"), o)),
               "task " + in_quotes(task.name) + ": output " + in_quotes(task.outputs[o]) +
                   " is a directory: an output must be a file");
        }
      }
      for (std::size_t i = 0; i < task.inputs.size(); ++i) {
        std::error_code ec;
        if (produced.count(task.input_files[i]) == 0 && !fs::exists(task.input_files[i], ec)) {
          fail(at(pointer_append(pointer_append(pointer, "inputs"), i)),
               "task " + in_quotes(task.name) + ": input " + in_quotes(task.inputs[i]) +
                   " does not exist and no task produces it");
        }
      }
    }
  }
  std::map<std::string, fs::path> programs;
  for (std::size_t t = 0; t < dag_.tasks.size(); ++t) {
    Task& task = dag_.tasks[t];
    // Many tasks share a program: look each name up once (PATH lookups stat every entry).
    auto [found, inserted] = programs.try_emplace(task.cmd[0]);
    if (inserted) found->second = find_program(task.cmd[0], options_.program_dir, dag_.workdir);
    task.program = found->second;
    if (!task.program.empty() || !options_.check_programs) continue;
    std::string where =
        task.cmd[0].find('/') != std::string::npos
            ? "(" + (dag_.workdir / task.cmd[0]).lexically_normal().string() + ")"
        : options_.program_dir.empty()
            ? "on PATH"
            : "beside the driver (" + options_.program_dir.string() + ") or on PATH";
    std::string problem = task.cmd[0].find('/') != std::string::npos
                              ? " not found or not executable "
                              : " not found ";
    std::string message = "task " + in_quotes(task.name) + ": program " + in_quotes(task.cmd[0]);
    message += problem;
    message += where;
    if (task.cmd[0].find('/') == std::string::npos)
      message += did_you_mean(task.cmd[0], programs_in(options_.program_dir));
    fail(at(pointer_append(pointer_append(pointer_append("/tasks", t), "cmd"), 0)), message);
  }
}

Dag Loader::load() {
  try {
    source_ = parse_json_source(text_);
  } catch (const JsonSyntaxError& e) {
    fail(e.offset(), e.what());
  }
  if (!source_.root.is_object()) {
    fail(at(""), "expected an object at the top level, found " + kind_of(source_.root));
  }
  const json::object& root = source_.root.as_object();
  load_version(root);
  if (!source_.duplicates.empty()) {
    const JsonSource::DuplicateKey& d = source_.duplicates.front();
    std::string key = d.pointer.substr(d.pointer.rfind('/') + 1);
    fail(d.offset, context_of(d.pointer) + "duplicate key " + in_quotes(key) + " (first at " +
                       line_col(d.first_offset) + ")");
  }
  check_keys(root, "", kTopKeys, "");

  dag_.path = path_;
  dag_.dir = fs::absolute(path_).parent_path().lexically_normal();
  std::string workdir = ".";
  if (const json::value* w = root.if_contains("workdir")) {
    workdir = string_field(*w, "/workdir", "", "workdir");
    if (workdir.empty())
      fail(at("/workdir"), "\"workdir\" is empty: use \".\" for the dag's directory");
  }
  dag_.workdir = (dag_.dir / workdir).lexically_normal();
  if (dag_.workdir.has_filename() == false && dag_.workdir != dag_.workdir.root_path()) {
    dag_.workdir = dag_.workdir.parent_path();  // "work/" → "work"
  }
  if (const json::value* d = root.if_contains("description"))
    string_field(*d, "/description", "", "description");

  load_defaults(root);
  load_tasks(root);
  link_tasks();
  check_cycles();
  check_environment();
  return std::move(dag_);
}

}  // namespace

Dag parse_dag(std::string_view text, const fs::path& path, const LoadOptions& options) {
  return Loader(text, path, options).load();
}

Dag load_dag(const fs::path& path, const LoadOptions& options) {
  std::string text;
  try {
    text = common::read_file(path);
  } catch (const common::Error& e) {
    throw ConfigError(e.what());
  }
  return parse_dag(text, path, options);
}

}  // namespace driver
