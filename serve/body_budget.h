#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace serve {

// The bytes of request bodies the service may hold at once, across all connections
// (ServerOptions::body_budget). A session reserves a body's size before reading it and
// gives it back once the request is answered. Thread-safe.
class BodyBudget {
 public:
  explicit BodyBudget(std::uint64_t total) : total_(total) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // Bytes reserved until destroyed or reset(); empty when the budget had no room.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& other) noexcept
        : budget_(std::exchange(other.budget_, nullptr)), bytes_(other.bytes_) {}
    Reservation& operator=(Reservation&& other) noexcept {
      if (this != &other) {
        reset();
        budget_ = std::exchange(other.budget_, nullptr);
        bytes_ = other.bytes_;
      }
      return *this;
    }
    ~Reservation() { reset(); }
    void reset() {
      if (budget_) budget_->used_.fetch_sub(bytes_, std::memory_order_relaxed);
      budget_ = nullptr;
    }

   private:
    friend class BodyBudget;
    Reservation(BodyBudget* budget, std::uint64_t bytes) : budget_(budget), bytes_(bytes) {}
    BodyBudget* budget_ = nullptr;
    std::uint64_t bytes_ = 0;
  };

  // Reserves `bytes`, or returns false (reserving nothing) when that would exceed the total.
  bool try_reserve(std::uint64_t bytes, Reservation& out) {
    std::uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (bytes > total_ - used) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    out = Reservation(this, bytes);
    return true;
  }

  std::uint64_t total() const { return total_; }
  std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  const std::uint64_t total_;
  std::atomic<std::uint64_t> used_{0};
};

}  // namespace serve
