#include "driver/workspace_lock.h"

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <thread>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/log.h"
#include "common/number.h"
#include "common/read_file.h"
#include "driver/driver_error.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

std::optional<LockHolder> parse_holder(const std::string& text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object& o = doc.as_object();
  LockHolder holder;
  if (const json::value* pid = o.if_contains("pid"); pid != nullptr && pid->is_int64()) {
    holder.pid = static_cast<long>(pid->as_int64());
  }
  if (const json::value* id = o.if_contains("run_id"); id != nullptr && id->is_string()) {
    holder.run_id = std::string(id->as_string());
  }
  if (const json::value* s = o.if_contains("started"); s != nullptr && s->is_string()) {
    holder.started = std::string(s->as_string());
  }
  if (const json::value* g = o.if_contains("groups"); g != nullptr && g->is_array()) {
    for (const json::value& pgid : g->as_array()) {
      if (pgid.is_int64() && pgid.as_int64() > 1)
        holder.groups.push_back(static_cast<long>(pgid.as_int64()));
    }
  }
  if (holder.pid == 0) return std::nullopt;
  return holder;
}

std::string describe(const LockHolder& holder) {
  return "pid " + std::to_string(holder.pid) + " (run " + holder.run_id + ", started " +
         holder.started + ")";
}

}  // namespace

namespace {

// The record is one line; a shorter record written over a longer one leaves the old tail
// until the ftruncate that follows, so only the first line counts.
std::optional<LockHolder> parse_first_line(const std::string& text) {
  return parse_holder(text.substr(0, text.find('\n')));
}

bool environ_names_run(const std::string& pid, const std::string& run_id) {
  std::string environ;
  try {
    environ = common::read_file("/proc/" + pid + "/environ");
  } catch (const common::Error&) {
    return false;
  }
  std::string wanted = "PIPELINE_RUN_ID=" + run_id;
  for (std::size_t at = 0; at < environ.size();) {
    std::size_t end = environ.find('\0', at);
    if (end == std::string::npos) end = environ.size();
    if (environ.compare(at, end - at, wanted) == 0) return true;
    at = end + 1;
  }
  return false;
}

// Live members of group `pgid`, by pid.
std::vector<std::string> group_members(long pgid) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", ec)) {
    std::string pid = entry.path().filename().string();
    if (pid.empty() || pid[0] < '1' || pid[0] > '9') continue;
    std::string stat;
    try {
      stat = common::read_file(entry.path() / "stat");
    } catch (const common::Error&) {
      continue;
    }
    std::size_t paren = stat.rfind(')');
    char state = 0;
    int ppid = 0;
    long pgrp = 0;
    if (paren == std::string::npos ||
        std::sscanf(stat.c_str() + paren + 1, " %c %d %ld", &state, &ppid, &pgrp) != 3)
      continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') out.push_back(pid);
  }
  return out;
}

}  // namespace

std::vector<long> stop_stale_groups(const LockHolder& holder) {
  std::vector<long> stopped;
  if (holder.run_id.empty()) return stopped;
  for (long pgid : holder.groups) {
    bool ours = false;
    for (const std::string& pid : group_members(pgid))
      ours = ours || environ_names_run(pid, holder.run_id);
    if (!ours) continue;
    ::kill(-static_cast<pid_t>(pgid), SIGKILL);
    stopped.push_back(pgid);
  }
  for (long pgid : stopped) {
    for (int i = 0; i < 250 && !group_members(pgid).empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return stopped;
}

std::optional<LockHolder> read_lock_holder(const fs::path& workdir) {
  try {
    return parse_first_line(common::read_file(common::workspace_lock_path(workdir)));
  } catch (const common::Error&) {
    return std::nullopt;
  }
}

WorkspaceLock WorkspaceLock::acquire(const fs::path& workdir, const std::string& run_id,
                                     std::chrono::milliseconds wait,
                                     const std::function<void(const LockHolder&)>& on_wait) {
  fs::path path = common::workspace_lock_path(workdir);
  auto take = [&]() -> std::optional<common::FileLock> {
    std::optional<common::FileLock> now =
        common::FileLock::try_lock(path, std::chrono::milliseconds(0));
    if (now || wait.count() == 0) return now;
    if (on_wait) {
      std::optional<LockHolder> holder = read_lock_holder(workdir);
      if (holder) on_wait(*holder);
    }
    return common::FileLock::try_lock(path, wait);
  };
  std::optional<common::FileLock> lock = take();
  if (!lock) {
    // The holder writes its record right after locking: give it a moment.
    std::optional<LockHolder> holder;
    for (int i = 0; i < 10 && !holder; ++i) {
      holder = read_lock_holder(workdir);
      if (!holder) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string who = holder ? describe(*holder) : "another driver";
    throw LockedError("workdir " + workdir.string() + " is locked by " + who +
                      (wait.count() > 0
                           ? "; gave up after waiting " +
                                 common::format_number(static_cast<double>(wait.count()) / 1000) +
                                 "s"
                           : "; use --lock-wait SECONDS to wait for it"));
  }

  std::optional<LockHolder> stale;
  char buffer[4096];
  ssize_t n = ::pread(lock->fd(), buffer, sizeof buffer, 0);
  if (n > 0) stale = parse_first_line(std::string(buffer, static_cast<std::size_t>(n)));

  LockHolder self{static_cast<long>(::getpid()), run_id, common::rfc3339_now(), {}};
  WorkspaceLock taken(std::move(*lock), std::move(stale), std::move(self));
  taken.path_ = path;
  if (::ftruncate(taken.lock_.fd(), 0) != 0)
    common::throw_system_error("cannot write", path, errno);
  taken.write_record();
  return taken;
}

void WorkspaceLock::write_record() {
  json::array groups;
  for (long pgid : self_.groups) groups.push_back(static_cast<std::int64_t>(pgid));
  json::object record{{"pid", static_cast<std::int64_t>(self_.pid)},
                      {"run_id", self_.run_id},
                      {"started", self_.started},
                      {"groups", std::move(groups)}};
  std::string text = json::serialize(record) + "\n";
  // Write first, then cut: at every moment the first line is a whole record.
  if (::pwrite(lock_.fd(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
      ::ftruncate(lock_.fd(), static_cast<off_t>(text.size())) != 0) {
    common::throw_system_error("cannot write", path_, errno);
  }
}

void WorkspaceLock::record_groups(const std::vector<long>& groups) {
  self_.groups = groups;
  try {
    write_record();
  } catch (const common::Error&) {
    // Only the crash clean-up is lost; the run itself goes on.
  }
}

WorkspaceLock::~WorkspaceLock() {
  if (lock_.fd() >= 0) {
    // A clean exit leaves an empty file; a record left behind means its holder died.
    if (::ftruncate(lock_.fd(), 0) != 0) {
      // Nothing to do: the next driver will report a stale lock.
    }
  }
}

}  // namespace driver
