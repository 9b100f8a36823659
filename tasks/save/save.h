#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "common/service_pin.h"
#include "common/task_run.h"
#include "tasks/save/service_control.h"

namespace tasks {

// Whether save deploys to the prediction service or only persists the model.
enum class ServeMode {
  kServe,    // start or reload `serve` and wait until it answers with the model
  kNoServe,  // persist and re-point current only (--no-serve)
};

struct SaveOptions {
  std::filesystem::path model;   // trained.pkl (not needed for a rollback)
  std::filesystem::path marker;  // flask_api_running.txt; empty: none
  std::filesystem::path deploy_dir = "deploy";
  bool approve = false;                            // a person signed off a regression
  double max_regression = 0.05;                    // allowed relative test-RMSE regression
  ServeMode serve = ServeMode::kServe;             // deploy to the service or not
  ServiceAddress address;                          // where a service this save starts listens
  std::chrono::milliseconds serve_timeout{10000};  // per attempt, for /health to report the model
  std::filesystem::path serve_binary;              // "": serve beside this program
};

struct SaveResult {
  std::string action;       // "deploy", "unchanged", "rollback", "stop" or "release"
  std::string sha256;       // the model current points at now
  std::string previous;     // what it pointed at before ("" when nothing)
  std::string gate;         // the quality gate's comparison ("" when not applied)
  std::string marker_text;  // what the marker says ("" when the marker was removed)
  std::string url;          // the service's URL ("" without a service)
  std::string service;      // "started", "reloaded", "unchanged", "stopped", "none"
  int service_pid = 0;      // the service's pid (0 without a service)
  std::optional<common::ServicePin> released;  // the pin a release removed (none: not pinned)
};

// Persists the model into the content-addressed store, refuses any model but the pinned
// one while the deployment is pinned (PolicyError, exit 77, naming who pinned what, when,
// and the command that releases it; common/service_pin.h), applies the quality gate against
// the deployed model (PolicyError, exit 77, unless approved), re-points deploy/current,
// deploys to the service (starts it detached when none runs for the deploy directory,
// otherwise reloads it with SIGHUP, and waits until /health reports the model; each try
// under the retry policy with the "save.serve" failpoint), appends to the history, and
// writes the marker. Store steps run under the retry policy with the "save.deploy"
// failpoint, the history line with "save.history", the marker with "save.marker". The
// deploy directory is locked for the whole change; symlinks a killed save left
// (.current.tmp-<pid>) are removed first. When the service does not come up, or the
// history line cannot be appended: an error (75 for a transient one), no marker, and
// current points where it did before (a running service is told to reload it). When only
// the marker cannot be written, the deploy stands (current and history agree) and the
// previous marker is untouched. A save of the model current already names appends the
// history line a killed save left out. Throws common::Error subclasses.
SaveResult save_model(const SaveOptions& options, common::TaskContext& context);

// Re-points current at the model deployed before the current one and deploys it like
// save_model (a rollback is itself the human decision: no gate, and no pin stops it), with
// the same failpoints and the same undo. The rollback is a person's decision and pins the
// deployment to that model (pin.json, written before anything moves and put back as it
// was when the rollback fails); history.jsonl gets a "rollback" and a "pin" line. Throws
// DataError when there is nothing to roll back to.
SaveResult rollback_model(const SaveOptions& options, common::TaskContext& context);

// Removes the deployment's pin (when there is one) and appends a "release" line to
// history.jsonl; nothing is deployed (the next save deploys as usual).
SaveResult release_pin(const SaveOptions& options, common::TaskContext& context);

// Stops the deploy directory's service (SIGTERM, drained; SIGKILL after a grace period)
// and removes the marker (retried, failpoint "save.marker"), which would otherwise claim a
// service. Stopping when none runs is not an error (service "none").
SaveResult stop_service(const SaveOptions& options, common::TaskContext& context);

// The marker's deterministic text for a model persisted without a running service.
std::string no_service_marker(const std::string& sha256, const std::filesystem::path& model_path);

// The marker's deterministic text once the service at `url` answers with `sha256`.
std::string service_marker(const std::string& url, const std::string& sha256);

}  // namespace tasks
