#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace common {

// Appends one row `run_id,ts,task,<values>` to `<metrics_dir>/<task>.csv` (`task` names
// the program), writing the header `run_id,ts,task,<columns>` first when the file is new.
// The `task` column is the DAG task the row is about: dag_task_name(task), unless
// `columns` starts with "task" itself (the driver's rows, one per task it ran). The row is one
// write(2) on O_APPEND under an flock, so concurrent writers neither tear rows nor write the header
// twice. Throws DataError when an existing file has a different header (a newer version's columns),
// OutputError/IoError when the file cannot be written.
//
// MetricsFile opens (creating) the file first and appends later: a task opens everything it
// will write before it commits any output, so a metrics directory it cannot write fails
// the task before its output is replaced (run_task).
class MetricsFile {
 public:
  // Creates `metrics_dir` and opens `<metrics_dir>/<task>.csv` (a new file is created by
  // the first append, in a directory checked writable here). Throws OutputError.
  MetricsFile(const std::filesystem::path& metrics_dir, const std::string& task);
  void append(const std::string& run_id, const std::vector<std::string>& columns,
              const std::vector<std::string>& values);

 private:
  std::string task_;
  std::filesystem::path path_;
  UniqueFd fd_;
};

void append_metrics_row(const std::filesystem::path& metrics_dir, const std::string& task,
                        const std::string& run_id, const std::vector<std::string>& columns,
                        const std::vector<std::string>& values);

}  // namespace common
