#pragma once

#include <filesystem>
#include <string>

#include "common/task_run.h"

namespace tasks {

struct SaveOptions {
  std::filesystem::path model;               // trained.pkl (not needed for a rollback)
  std::filesystem::path marker;              // flask_api_running.txt; empty: none
  std::filesystem::path deploy_dir = "deploy";
  bool approve = false;                      // a person signed off a regression
  double max_regression = 0.05;              // allowed relative test-RMSE regression
};

struct SaveResult {
  std::string action;         // "deploy", "unchanged" or "rollback"
  std::string sha256;         // the model current points at now
  std::string previous;       // what it pointed at before ("" when nothing)
  std::string gate;           // the quality gate's comparison ("" when not applied)
  std::string marker_text;    // what the marker says
};

// Persists the model into the content-addressed store, applies the quality gate against
// the deployed model (PolicyError, exit 77, unless approved), re-points deploy/current,
// appends to the history, and writes the marker. Every step that touches files runs under
// the retry policy with the "save.deploy" failpoint. The deploy directory is locked for
// the whole change. Throws common::Error subclasses; nothing changes on an error before
// current is re-pointed.
SaveResult save_model(const SaveOptions& options, common::TaskContext& context);

// Re-points current at the model deployed before the current one (PolicyError-free: a
// rollback is itself the human decision). Throws DataError when there is nothing to roll
// back to.
SaveResult rollback_model(const SaveOptions& options, common::TaskContext& context);

// The marker's deterministic text for a model persisted without a running service.
std::string no_service_marker(const std::string& sha256, const std::filesystem::path& model_path);

}  // namespace tasks
