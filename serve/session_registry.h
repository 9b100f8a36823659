#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace serve {

class Session;

// The live connections, so a graceful stop can reach each one. Thread-safe: sessions
// register and leave from their own strands.
class SessionRegistry {
 public:
  // `on_drained` runs (on the thread of the last session to leave, or of stop_all) once a
  // stop has begun and no session is left.
  explicit SessionRegistry(std::function<void()> on_drained) : on_drained_(std::move(on_drained)) {}

  // Registers a session; returns true when stop_all() has already begun (the session is
  // then to answer at most the request it already carries, and close).
  bool add(Session* session, std::weak_ptr<Session> handle);
  void remove(Session* session);

  // Asks every live session to stop (Session::stop) and refuses new ones.
  void stop_all();

  std::size_t size() const;

  // No more on_drained calls (the server is being torn down).
  void detach();

 private:
  // Calls on_drained_ (once, without the lock) when stopping and empty.
  void notify_if_drained(std::unique_lock<std::mutex>& lock);

  mutable std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  bool stopping_ = false;
  bool drained_ = false;
  std::function<void()> on_drained_;
};

}  // namespace serve
