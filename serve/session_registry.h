#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace serve {

class Session;

// The live connections, so a graceful stop can reach each one and the connection limit
// can close the oldest idle one. Thread-safe: sessions register and leave from their own
// strands.
class SessionRegistry {
 public:
  // `on_drained` runs (on the thread of the last session to leave, or of stop_all) once a
  // stop has begun and no session is left. `on_room` runs (on the thread of a session
  // leaving or turning idle) after may_accept() has returned false, once it may not.
  SessionRegistry(std::function<void()> on_drained, std::function<void()> on_room)
      : on_drained_(std::move(on_drained)), on_room_(std::move(on_room)) {}

  // Registers a session; returns true when stop_all() has already begun (the session is
  // then to answer at most the request it already carries, and close).
  bool add(Session* session, std::weak_ptr<Session> handle);
  void remove(Session* session);

  // The connection limit, `max` live sessions (those asked to close do not count):
  // Whether to accept another connection: below the limit, or at it with an idle session
  // other than `newest` (the last accepted, which has not had the time to send its
  // request) to close for it. When not, calls on_room once a session leaves or turns idle.
  bool may_accept(std::size_t max, const Session* newest);
  // After `newcomer` was accepted: over the limit, asks the session idle the longest
  // (other than `newcomer`) to close (Session::stop).
  void make_room(std::size_t max, const Session* newcomer);
  // A session calls this when it starts waiting for a request.
  void session_idle() {
    if (waiting_.load(std::memory_order_relaxed)) notify_room();
  }

  // Asks every live session to stop (Session::stop) and refuses new ones.
  void stop_all();

  std::size_t size() const;

  // No more on_drained or on_room calls (the server is being torn down).
  void detach();

 private:
  struct Entry {
    std::weak_ptr<Session> handle;
    bool closing = false;  // asked to close by make_room
  };
  using Map = std::unordered_map<Session*, Entry>;
  // Calls on_drained_ (once, without the lock) when stopping and empty.
  void notify_if_drained(std::unique_lock<std::mutex>& lock);
  void notify_room();
  // The session idle the longest, not closing, other than `except`; end() when none.
  Map::iterator oldest_idle(const Session* except);

  mutable std::mutex mutex_;
  Map sessions_;
  std::size_t closing_ = 0;  // entries with closing set
  bool stopping_ = false;
  bool drained_ = false;
  bool detached_ = false;
  std::atomic<bool> waiting_{false};  // make_room found no room; on_room is owed
  std::function<void()> on_drained_;
  std::function<void()> on_room_;
};

}  // namespace serve
