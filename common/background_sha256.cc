#include "common/background_sha256.h"

namespace common {

BackgroundSha256::BackgroundSha256(std::unique_ptr<Sha256> started)
    : hash_(started != nullptr ? std::move(started) : std::make_unique<Sha256>()),
      thread_([this] { run(); }) {}

BackgroundSha256::~BackgroundSha256() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string BackgroundSha256::feed(std::string chunk) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
  queue_.push_back(std::move(chunk));
  std::string reuse;
  if (!spare_.empty()) {
    reuse = std::move(spare_.front());
    spare_.pop_front();
  }
  lock.unlock();
  changed_.notify_all();
  return reuse;
}

std::string BackgroundSha256::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (error_) std::rethrow_exception(error_);
  return hash_->hex_digest();
}

void BackgroundSha256::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return !queue_.empty() || done_; });
    if (queue_.empty()) break;
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    changed_.notify_all();  // a writer may wait for room in the queue
    try {
      if (!error_) hash_->update(chunk);
    } catch (...) {
      error_ = std::current_exception();  // finish() reads it after join()
    }
    chunk.clear();
    lock.lock();
    if (spare_.size() < kMaxQueued) spare_.push_back(std::move(chunk));
  }
}

}  // namespace common
