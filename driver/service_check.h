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

}  // namespace driver
