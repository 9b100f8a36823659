#include "tasks/save/save.h"

#include <boost/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/failpoint.h"
#include "common/file_lock.h"
#include "common/json_util.h"
#include "common/sha256.h"
#include "common/log.h"
#include "tasks/model/model.h"
#include "tasks/save/deploy_store.h"
#include "tasks/save/quality_gate.h"

namespace json = boost::json;

namespace tasks {

std::string no_service_marker(const std::string& sha256, const std::filesystem::path& model_path) {
  return "status: persisted, no service started (--no-serve)\nmodel_sha256: " + sha256 +
         "\nmodel: " + model_path.string() + "\n";
}

namespace {

void write_marker(const SaveOptions& options, common::TaskContext& context, const std::string& text) {
  if (options.marker.empty()) return;
  context.with_retry("save.marker", [&] { common::write_file_atomically(options.marker, text); });
}

}  // namespace

SaveResult save_model(const SaveOptions& options, common::TaskContext& context) {
  std::string document = common::read_file(options.model);
  Model candidate = model_from_json(common::parse_json(document, options.model.string()),
                                    options.model.string());
  DeployStore store(options.deploy_dir);
  common::FileLock lock(store.lock_path());

  SaveResult result;
  std::optional<std::string> current = store.current();
  result.previous = current.value_or("");
  std::string sha = common::sha256_hex(document);
  if (current && *current != sha) {
    Model deployed = load_model(store.model_path(*current));
    GateDecision gate = quality_gate(candidate.metrics.test.rmse, deployed.metrics.test.rmse,
                                     options.max_regression);
    result.gate = gate.reason;
    if (!gate.allowed && !options.approve) {
      throw common::PolicyError("refusing to deploy " + options.model.string() + ": " + gate.reason +
                                "; after review, deploy it with --approve");
    }
    context.log().info("quality_gate", (gate.allowed ? "passed: " : "approved by --approve: ") + gate.reason);
  }

  context.with_retry("save.deploy", [&] {
    common::failpoint("save.deploy");
    store.persist(document);
    if (current != sha) {
      store.point_current_at(sha);
      store.append_history({common::rfc3339_now(), context.options().run_id, "deploy", sha,
                            result.previous});
    }
  });
  result.action = current == sha ? "unchanged" : "deploy";
  result.sha256 = sha;
  result.marker_text = no_service_marker(sha, store.model_path(sha));
  write_marker(options, context, result.marker_text);
  return result;
}

SaveResult rollback_model(const SaveOptions& options, common::TaskContext& context) {
  DeployStore store(options.deploy_dir);
  common::FileLock lock(store.lock_path());
  std::optional<std::string> current = store.current();
  if (!current) throw common::DataError(options.deploy_dir.string() + ": nothing is deployed");
  std::optional<std::string> target = store.rollback_target(*current);
  if (!target) {
    throw common::DataError(options.deploy_dir.string() + ": no earlier model to roll back to from " +
                            current->substr(0, 12));
  }
  context.with_retry("save.deploy", [&] {
    common::failpoint("save.deploy");
    store.point_current_at(*target);
    store.append_history({common::rfc3339_now(), context.options().run_id, "rollback", *target, *current});
  });
  SaveResult result;
  result.action = "rollback";
  result.sha256 = *target;
  result.previous = *current;
  result.marker_text = no_service_marker(*target, store.model_path(*target));
  write_marker(options, context, result.marker_text);
  return result;
}

}  // namespace tasks
