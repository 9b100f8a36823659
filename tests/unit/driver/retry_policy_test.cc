#include "driver/retry_policy.h"

#include <catch2/catch.hpp>

using driver::CommandResult;
using driver::Termination;

namespace {

CommandResult exited(int code) {
  CommandResult r;
  r.how = Termination::kExited;
  r.exit_code = code;
  return r;
}

}  // namespace

TEST_CASE("temporary failures, timeouts and signals are retried by default", "[retry]") {
  driver::RetryPolicy policy;
  REQUIRE(driver::is_retryable(policy, exited(75)));
  REQUIRE(driver::is_retryable(policy, exited(74)));
  CommandResult timed_out;
  timed_out.how = Termination::kTimedOut;
  REQUIRE(driver::is_retryable(policy, timed_out));
  CommandResult killed;
  killed.how = Termination::kSignaled;
  killed.signal = 9;
  REQUIRE(driver::is_retryable(policy, killed));
}

TEST_CASE("usage and data errors are never retried by default", "[retry]") {
  driver::RetryPolicy policy;
  REQUIRE_FALSE(driver::is_retryable(policy, exited(64)));
  REQUIRE_FALSE(driver::is_retryable(policy, exited(65)));
  REQUIRE_FALSE(driver::is_retryable(policy, exited(1)));
}

TEST_CASE("an attempt the driver stopped is not retried", "[retry]") {
  CommandResult stopped = exited(75);
  stopped.stopped = true;
  REQUIRE_FALSE(driver::is_retryable(driver::RetryPolicy{}, stopped));
}

TEST_CASE("retry delays grow by the backoff factor up to the cap", "[retry]") {
  driver::RetryPolicy policy;
  policy.delay_s = 0.2;
  policy.backoff = 2;
  policy.max_delay_s = 1;
  policy.jitter = 0;
  REQUIRE(driver::retry_delay(policy, "t", 1).count() == 200);
  REQUIRE(driver::retry_delay(policy, "t", 2).count() == 400);
  REQUIRE(driver::retry_delay(policy, "t", 3).count() == 800);
  REQUIRE(driver::retry_delay(policy, "t", 4).count() == 1000);
}

TEST_CASE("jitter shortens a delay deterministically", "[retry]") {
  driver::RetryPolicy policy;
  policy.delay_s = 1;
  policy.jitter = 0.5;
  long long a = driver::retry_delay(policy, "ingest", 1).count();
  REQUIRE(a == driver::retry_delay(policy, "ingest", 1).count());
  REQUIRE(a >= 500);
  REQUIRE(a <= 1000);
  REQUIRE(a != driver::retry_delay(policy, "save", 1).count());
}
