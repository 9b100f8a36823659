#include "driver/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace driver {

bool is_retryable(const RetryPolicy& policy, const CommandResult& result) {
  if (result.stopped) return false;
  switch (result.how) {
    case Termination::kExited:
      return std::find(policy.retry_on_exit.begin(), policy.retry_on_exit.end(),
                       result.exit_code) != policy.retry_on_exit.end();
    case Termination::kSignaled:
      return policy.retry_on_signal;
    case Termination::kTimedOut:
      return policy.retry_on_timeout;
    case Termination::kSpawnFailed:
      return false;
  }
  return false;
}

namespace {

// SPEC section 4's splitmix64: a good 64-bit mix of a counter.
std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, const std::string& task,
                                      int retry) {
  double delay = policy.delay_s * std::pow(policy.backoff, std::max(0, retry - 1));
  delay = std::min(delay, policy.max_delay_s);
  double u =
      static_cast<double>(splitmix64(fnv1a(task) + static_cast<std::uint64_t>(retry)) >> 11) *
      0x1.0p-53;
  delay *= 1.0 - policy.jitter * u;
  return to_milliseconds(delay);  // saturates: pow() can overflow to inf
}

}  // namespace driver
