#pragma once

#include <sys/types.h>

#include <optional>

namespace common {

// Whether `pid` names a running process: it exists (EPERM counts: another user's process
// is alive too) and is not a zombie. A process killed together with its parent stays a
// zombie until init reaps it, and must not pass for a live writer or service.
bool process_alive(pid_t pid);

// When `pid` started, in seconds since the epoch (from /proc/<pid>/stat and the boot time
// in /proc/stat, so to within a second), or nothing when it is unknown or a zombie.
std::optional<double> process_start_time(pid_t pid);

}  // namespace common
