// driver verify RUN_ID: rehash what a run read and wrote, and say what changed since.

#include <boost/json.hpp>
#include <iostream>
#include <map>

#include "common/cli.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/manifest.h"
#include "common/sha256.h"
#include "driver/commands.h"
#include "driver/driver_error.h"
#include "driver/session.h"
#include "driver/up_to_date.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

struct Recorded {
  std::string path;                // as recorded
  std::string sha256;              // as recorded
  std::vector<std::string> roles;  // "output of clean", "input of train"
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

}  // namespace

int verify_command(const DriverOptions& options) {
  // The runs directory: --runs-dir, else $PIPELINE_RUNS_DIR, else runs/ beside the dag.
  fs::path dag_dir = fs::absolute(options.dag).parent_path();
  fs::path runs_dir =
      resolve_dir(options.runs_dir, "PIPELINE_RUNS_DIR", common::default_runs_dir(dag_dir));
  try {
    common::validate_run_id(options.verify_run_id);
  } catch (const common::Error& e) {
    throw ConfigError(e.what());
  }
  fs::path path = common::manifest_path(runs_dir, options.verify_run_id);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw ConfigError("no run " + options.verify_run_id + ": " + path.string() + " does not exist");
  }
  json::value doc;
  try {
    doc = common::read_json_file(path);
  } catch (const common::Error& e) {
    throw ConfigError(e.what());
  }
  const json::object* root = doc.if_object();
  const json::value* tasks = root != nullptr ? root->if_contains("tasks") : nullptr;
  if (tasks == nullptr || !tasks->is_object())
    throw ConfigError(path.string() + ": not a run manifest");
  fs::path workdir = dag_dir;
  if (const json::value* w = root->if_contains("workdir"); w != nullptr && w->is_string()) {
    workdir = std::string(w->as_string());
  }

  // One entry per (file, recorded hash): raw.csv is ingest's output and clean's input.
  std::map<std::pair<fs::path, std::string>, Recorded> files;
  auto add = [&](const json::value& record, const std::string& role) {
    const json::object* o = record.if_object();
    if (o == nullptr) return;
    const json::value* p = o->if_contains("path");
    const json::value* sha = o->if_contains("sha256");
    if (p == nullptr || !p->is_string() || sha == nullptr || !sha->is_string())
      return;  // not recorded
    std::string recorded(p->as_string());
    fs::path absolute = fs::path(recorded).is_absolute() ? fs::path(recorded) : workdir / recorded;
    Recorded& r = files[{absolute.lexically_normal(), std::string(sha->as_string())}];
    r.path = recorded;
    r.sha256 = std::string(sha->as_string());
    r.roles.push_back(role);
  };
  if (const json::value* dag = root->if_contains("dag"); dag != nullptr && dag->is_object()) {
    add(*dag, "the dag");
  }
  for (const auto& [name, task] : tasks->as_object()) {
    const json::object* t = task.if_object();
    if (t == nullptr) continue;
    for (const char* kind : {"inputs", "outputs"}) {
      const json::value* list = t->if_contains(kind);
      if (list == nullptr || !list->is_array()) continue;
      std::string role = std::string(kind) == "inputs" ? "input of " : "output of ";
      for (const json::value& record : list->as_array()) add(record, role + std::string(name));
    }
  }

  std::size_t changed = 0;
  std::size_t missing = 0;
  for (const auto& [key, recorded] : files) {
    const fs::path& file = key.first;
    std::string line;
    if (!fs::exists(file, ec)) {
      ++missing;
      line = "missing  " + recorded.path + " (" + join(recorded.roles) + ")";
    } else {
      std::string now = common::sha256_file(file);
      if (now == recorded.sha256) {
        line = "ok       " + recorded.path + " (" + join(recorded.roles) + ")";
      } else {
        ++changed;
        line = "changed  " + recorded.path + " (" + join(recorded.roles) + "): sha256 " +
               short_hash(recorded.sha256) + " \u2192 " + short_hash(now);
      }
    }
    std::cout << line << '\n';
  }
  std::cout << "run " << options.verify_run_id << ": " << files.size() << " files checked, "
            << changed << " changed, " << missing << " missing\n";
  return changed + missing == 0 ? 0 : static_cast<int>(DriverExit::kTaskFailed);
}

}  // namespace driver
