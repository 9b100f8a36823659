#include "serve/session_registry.h"

#include <vector>

#include "serve/session.h"

namespace serve {

bool SessionRegistry::add(Session* session, std::weak_ptr<Session> handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.emplace(session, Entry{std::move(handle)});
  return stopping_;
}

void SessionRegistry::remove(Session* session) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = sessions_.find(session);
  if (it != sessions_.end()) {
    if (it->second.closing) --closing_;
    sessions_.erase(it);
  }
  notify_if_drained(lock);  // may unlock
  if (lock.owns_lock()) lock.unlock();
  if (waiting_.load(std::memory_order_relaxed)) notify_room();
}

SessionRegistry::Map::iterator SessionRegistry::oldest_idle(const Session* except) {
  // A scan, but only at the limit and over at most max + 1 entries.
  auto pick = sessions_.end();
  std::int64_t pick_since = 0;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    std::int64_t since = it->first->idle_since();
    if (it->second.closing || since == 0 || it->first == except) continue;
    if (pick == sessions_.end() || since < pick_since) {
      pick = it;
      pick_since = since;
    }
  }
  return pick;
}

bool SessionRegistry::may_accept(std::size_t max, const Session* newest) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sessions_.size() - closing_ < max || oldest_idle(newest) != sessions_.end()) return true;
  waiting_.store(true, std::memory_order_relaxed);
  return false;
}

void SessionRegistry::make_room(std::size_t max, const Session* newcomer) {
  std::shared_ptr<Session> oldest;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sessions_.size() - closing_ <= max) return;
    auto it = oldest_idle(newcomer);
    if (it == sessions_.end()) return;  // it turned busy since may_accept: one over, briefly
    oldest = it->second.handle.lock();
    if (!oldest) return;  // leaving already
    it->second.closing = true;
    ++closing_;
  }
  oldest->stop();  // closes it if still idle; a request already arriving is answered first
}

void SessionRegistry::notify_room() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (detached_ || !waiting_.exchange(false, std::memory_order_relaxed)) return;
  }
  on_room_();
}

void SessionRegistry::stop_all() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [key, entry] : sessions_) {
      if (std::shared_ptr<Session> s = entry.handle.lock()) live.push_back(std::move(s));
    }
  }
  for (const std::shared_ptr<Session>& s : live) s->stop();
  live.clear();  // may destroy sessions, which leave the registry
  std::unique_lock<std::mutex> lock(mutex_);
  notify_if_drained(lock);
}

void SessionRegistry::notify_if_drained(std::unique_lock<std::mutex>& lock) {
  if (!stopping_ || !sessions_.empty() || drained_) return;
  drained_ = true;
  lock.unlock();
  on_drained_();
}

void SessionRegistry::detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  drained_ = true;
  detached_ = true;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace serve
