#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace common {

// Appends one row `run_id,ts,<values>` to `<metrics_dir>/<task>.csv`, writing the header
// `run_id,ts,<columns>` first when the file is new. The row is one write(2) on O_APPEND
// under an flock, so concurrent writers neither tear rows nor write the header twice.
// Throws DataError when an existing file has a different header (a newer version's
// columns), OutputError/IoError when the file cannot be written.
void append_metrics_row(const std::filesystem::path& metrics_dir, const std::string& task,
                        const std::string& run_id, const std::vector<std::string>& columns,
                        const std::vector<std::string>& values);

}  // namespace common
