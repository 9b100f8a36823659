#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/filenames.h"

namespace tasks {

// One line of deploy/history.jsonl.
struct HistoryEntry {
  std::string ts;        // RFC 3339 UTC
  std::string run_id;    // the run that made the change
  std::string action;    // "deploy", "rollback", "pin" or "release"
  std::string sha256;    // the model current points at after the change (pin, release: the
                         // pinned model)
  std::string previous;  // the model it pointed at before ("" when none)
  std::string by;        // pin, release: who (login name); "" otherwise
};

// The deployment directory (docs/deploy.md):
//   models/<sha256>.json   content-addressed copies of model documents (never modified)
//   current                symlink to models/<sha256>.json, replaced atomically
//   history.jsonl          one line per deploy, rollback, pin or release, appended
//   .lock                  held while a save changes the directory
class DeployStore {
 public:
  explicit DeployStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path model_path(const std::string& sha256) const;
  std::filesystem::path current_link() const { return common::current_model_link(dir_); }
  std::filesystem::path lock_path() const { return common::deploy_lock_path(dir_); }

  // Stores `document` as models/<sha256>.json unless present; returns the sha256.
  std::string persist(std::string_view document);

  // The sha256 current points at, or nullopt when nothing is deployed.
  std::optional<std::string> current() const;

  // Atomically re-points current at models/<sha256>.json (which must exist), through a
  // symlink .current.tmp-<pid> renamed over current.
  void point_current_at(const std::string& sha256);

  // Removes the .current.tmp-<pid> symlinks of saves that were killed before renaming
  // them (pid gone or a zombie, as common::remove_stale_temp_files). Returns how many.
  // Never throws. Call it holding the lock.
  int remove_stale_temp_links() const;

  // Appends one line to history.jsonl with a single write(2).
  void append_history(const HistoryEntry& entry);

  // All of history.jsonl, oldest first; a torn or foreign line is skipped.
  std::vector<HistoryEntry> history() const;

  // The model a rollback from `current` goes to: the latest model deployed before the
  // current one's deployment, skipping rollbacks. nullopt when there is none.
  std::optional<std::string> rollback_target(const std::string& current) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace tasks
