#include "driver/workspace_lock.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <thread>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"
#include "common/number.h"
#include "driver/driver_error.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace driver {

namespace {

fs::path lock_path(const fs::path& workdir) { return workdir / ".lock"; }

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
  if (holder.pid == 0) return std::nullopt;
  return holder;
}

std::string describe(const LockHolder& holder) {
  return "pid " + std::to_string(holder.pid) + " (run " + holder.run_id + ", started " +
         holder.started + ")";
}

}  // namespace

std::optional<LockHolder> read_lock_holder(const fs::path& workdir) {
  try {
    return parse_holder(common::read_file(lock_path(workdir)));
  } catch (const common::Error&) {
    return std::nullopt;
  }
}

WorkspaceLock WorkspaceLock::acquire(const fs::path& workdir, const std::string& run_id,
                                     std::chrono::milliseconds wait,
                                     const std::function<void(const LockHolder&)>& on_wait) {
  fs::path path = lock_path(workdir);
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
  if (n > 0) stale = parse_holder(std::string(buffer, static_cast<std::size_t>(n)));

  json::object record{{"pid", static_cast<std::int64_t>(::getpid())},
                      {"run_id", run_id},
                      {"started", common::rfc3339_now()}};
  std::string text = json::serialize(record) + "\n";
  if (::ftruncate(lock->fd(), 0) != 0 ||
      ::pwrite(lock->fd(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    common::throw_system_error("cannot write", path, errno);
  }
  return WorkspaceLock(std::move(*lock), std::move(stale));
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
