#pragma once

#include <filesystem>
#include <string_view>

#include "driver/dag.h"

namespace driver {

// What the loader checks against the machine, beyond the file itself.
struct LoadOptions {
  std::filesystem::path program_dir;  // searched first for cmd[0]: the driver's own directory
  bool check_programs = true;         // every cmd[0] must resolve (program_lookup.h)
  bool check_inputs = true;           // an input no task produces must exist
};

// Reads, parses and validates a dag.json (docs/dag.md). Every problem is a ConfigError
// whose message starts with "<path>:LINE:COL: " and names the task and the key, e.g.
//   dag.json:7:5: task "clean": unknown key "input", did you mean "inputs"?
//   dag.json:21:27: dependency cycle: train -> clean -> train
// A file that cannot be read is a ConfigError "<path>: <reason>".
Dag load_dag(const std::filesystem::path& path, const LoadOptions& options = {});

// The same for text already read; `path` names it in messages and anchors the workdir.
Dag parse_dag(std::string_view text, const std::filesystem::path& path,
              const LoadOptions& options = {});

}  // namespace driver
