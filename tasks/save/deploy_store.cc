#include "tasks/save/deploy_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <iostream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/jsonl.h"
#include "common/sha256.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace tasks {

fs::path DeployStore::model_path(const std::string& sha256) const {
  return dir_ / common::model_file_name(sha256);
}

std::string DeployStore::persist(std::string_view document) {
  std::string sha = common::sha256_hex(document);
  fs::path path = model_path(sha);
  std::error_code ec;
  if (fs::exists(path, ec) && common::sha256_file(path) == sha) return sha;
  common::remove_stale_temp_files(path);
  common::write_file_atomically(path, document);
  return sha;
}

std::optional<std::string> DeployStore::current() const {
  std::error_code ec;
  fs::path target = fs::read_symlink(current_link(), ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return std::nullopt;
    common::throw_system_error("cannot read", current_link(), ec.value());
  }
  std::string name = target.filename().string();
  if (name.size() < 6 || name.substr(name.size() - 5) != ".json") {
    throw common::DataError(current_link().string() +
                            ": expected a link to models/<sha256>.json, found " + target.string());
  }
  return name.substr(0, name.size() - 5);
}

void DeployStore::point_current_at(const std::string& sha256) {
  fs::path target = common::model_file_name(sha256);
  if (!fs::exists(dir_ / target)) {
    throw common::InternalError("cannot point current at missing " + (dir_ / target).string());
  }
  // A new symlink beside it, renamed over the old one: readers see the old or the new.
  fs::path temp = dir_ / (".current.tmp-" + std::to_string(::getpid()));
  ::unlink(temp.c_str());
  if (::symlink(target.c_str(), temp.c_str()) != 0) {
    common::throw_system_error("cannot create symlink", temp, errno, common::FileRole::kOutput);
  }
  if (::rename(temp.c_str(), current_link().c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    common::throw_system_error("cannot replace", current_link(), err, common::FileRole::kOutput);
  }
  int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

int DeployStore::remove_stale_temp_links() const {
  // ".current.tmp-<pid>" has the shape of an AtomicFile temp of "current": the same rule
  // removes it once its pid no longer runs.
  return common::remove_stale_temp_files(current_link());
}

void DeployStore::append_history(const HistoryEntry& entry) {
  json::object line{{"ts", entry.ts},
                    {"run_id", entry.run_id},
                    {"action", entry.action},
                    {"sha256", entry.sha256},
                    {"previous_sha256",
                     entry.previous.empty() ? json::value(nullptr) : json::value(entry.previous)}};
  if (!entry.by.empty()) line["by"] = entry.by;
  // On a fresh line even after a torn record, disk full said as such (common/jsonl.h).
  common::append_jsonl(common::deploy_history_path(dir_), common::to_json_line(line));
}

std::vector<HistoryEntry> DeployStore::history() const {
  std::vector<HistoryEntry> entries;
  // A torn record (a killed or disk-full append) is skipped with a warning.
  auto warn = [](const std::string& message) { std::cerr << "save: warning: " << message << '\n'; };
  for (const json::value& v : common::read_jsonl(common::deploy_history_path(dir_), warn)) {
    if (!v.is_object()) continue;
    const json::object& o = v.as_object();
    auto text_of = [&](const char* key) {
      const json::value* f = o.if_contains(key);
      return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    HistoryEntry e{text_of("ts"),     text_of("run_id"),          text_of("action"),
                   text_of("sha256"), text_of("previous_sha256"), text_of("by")};
    if (!e.sha256.empty()) entries.push_back(std::move(e));
  }
  return entries;
}

std::optional<std::string> DeployStore::rollback_target(const std::string& current) const {
  std::vector<std::string> deployed;  // deploys in order, consecutive repeats folded
  for (const HistoryEntry& e : history()) {
    if (e.action != "deploy") continue;
    if (deployed.empty() || deployed.back() != e.sha256) deployed.push_back(e.sha256);
  }
  for (std::size_t i = deployed.size(); i-- > 0;) {
    if (deployed[i] != current) continue;
    for (std::size_t j = i; j-- > 0;) {
      if (deployed[j] != current && fs::exists(model_path(deployed[j]))) return deployed[j];
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace tasks
