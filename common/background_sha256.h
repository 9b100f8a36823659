#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/sha256.h"

namespace common {

// SHA-256 of a stream of chunks, computed on a thread of its own so that a program
// writing a large file hashes it on the second core instead of reading it back after
// commit. feed() hands a chunk over and returns a cleared buffer to fill next; at most
// kMaxQueued chunks wait at once, so memory stays bounded (feed blocks when the hasher
// falls behind).
class BackgroundSha256 {
 public:
  // Continues `started` (the hash of what came before) when given.
  explicit BackgroundSha256(std::unique_ptr<Sha256> started = nullptr);
  // Joins the thread (the digest is discarded when finish() was not called).
  ~BackgroundSha256();
  BackgroundSha256(const BackgroundSha256&) = delete;
  BackgroundSha256& operator=(const BackgroundSha256&) = delete;

  // Queues `chunk` for hashing; returns an empty buffer (with capacity, when one has
  // been hashed already) for the caller to reuse.
  std::string feed(std::string chunk);
  // Waits for every queued chunk and returns the digest as lowercase hex. Call once.
  // Rethrows what the hash threw.
  std::string finish();

 private:
  static constexpr std::size_t kMaxQueued = 4;
  void run();

  std::unique_ptr<Sha256> hash_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;  // chunks waiting to be hashed
  std::deque<std::string> spare_;  // hashed chunks, cleared, for reuse
  bool done_ = false;              // no more chunks will come
  std::exception_ptr error_;       // a failure of the hash, rethrown by finish()
  std::thread thread_;
};

}  // namespace common
