#include "serve/session_registry.h"

#include <vector>

#include "serve/session.h"

namespace serve {

bool SessionRegistry::add(Session* session, std::weak_ptr<Session> handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.emplace(session, std::move(handle));
  return stopping_;
}

void SessionRegistry::remove(Session* session) {
  std::unique_lock<std::mutex> lock(mutex_);
  sessions_.erase(session);
  notify_if_drained(lock);
}

void SessionRegistry::stop_all() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [key, handle] : sessions_) {
      if (std::shared_ptr<Session> s = handle.lock()) live.push_back(std::move(s));
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
}

std::size_t SessionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace serve
