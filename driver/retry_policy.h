#pragma once

#include <chrono>
#include <string>

#include "driver/command_runner.h"
#include "driver/dag.h"

namespace driver {

// True when the failed attempt `result` is worth another try under `policy`: its exit
// code is in retry_on (default 74, 75), or it timed out, or a signal we did not send
// killed it. Attempts the driver stopped and spawn failures are never retried; neither
// is an attempt that exited 0 without its outputs.
bool is_retryable(const RetryPolicy& policy, const CommandResult& result);

// The pause before retry `retry` (1 for the second attempt):
//   min(max_delay_s, delay_s * backoff^(retry-1)) * (1 - jitter * u)
// where u in [0, 1) comes from a hash of the task name and the retry number, so a run is
// reproducible while tasks that failed together do not retry in lockstep.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, const std::string& task,
                                      int retry);

}  // namespace driver
