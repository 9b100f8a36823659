#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "common/error.h"

namespace common {

// How often and how patiently a step is retried (SPEC section 2: 3 tries, 0.2 s apart).
struct RetryPolicy {
  int n_tries = 3;                       // attempts in all, at least 1
  std::chrono::milliseconds delay{200};  // pause between attempts
};

// Called before each retry with the attempt that failed (1-based) and its error.
using RetryObserver = std::function<void(int attempt, const Error& error)>;

// Runs `step` until it succeeds, retrying only errors whose transient() is true, at most
// policy.n_tries attempts in all. The last error (or any non-transient one) propagates.
template <typename Step>
auto retry(const RetryPolicy& policy, const RetryObserver& on_retry, Step&& step)
    -> decltype(step()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return step();
    } catch (const Error& e) {
      if (!e.transient() || attempt >= policy.n_tries) throw;
      if (on_retry) on_retry(attempt, e);
      std::this_thread::sleep_for(policy.delay);
    }
  }
}

}  // namespace common
