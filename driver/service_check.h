#pragma once

#include <filesystem>
#include <string>

namespace driver {

// Whether the long-running process a task started still runs, from the pid file it
// writes (a task's "service_pid_file", docs/dag.md): "" when it does, otherwise the reason
// in the words `driver status` prints, naming the file as `declared`:
//   "service not running: deploy/serve.pid missing"
//   "service not running: pid 4242 of deploy/serve.pid is gone"
// A process counts only when it is alive, not a zombie, and started no later than the
// pid file was written: after a reboot the pid may name another process.
std::string service_problem(const std::filesystem::path& pid_file, const std::string& declared);

// The pin a person set on that service (common/service_pin.h: pin.json beside its pid
// file), in the words `driver status` appends to the task's line: "" when there is none,
// otherwise "; it will refuse another model: deploy is pinned to model 0d76c04de706 by
// alice at 2026-12-03T23:50:01.123Z (rollback from bf1caf8d9e8e); release it with: ...".
// Never throws: an unreadable pin is named as such.
std::string service_pin_note(const std::filesystem::path& pid_file, const std::string& declared);

}  // namespace driver
