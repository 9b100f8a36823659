#include "tasks/clean/schema_policy.h"

#include <cstdlib>
#include <vector>

#include "common/error.h"
#include "common/message.h"

namespace tasks {

std::string approve_command(const CleanOptions& options, const std::filesystem::path& schema) {
  const char* driver = std::getenv("PIPELINE_DRIVER_COMMAND");
  const char* task = std::getenv("PIPELINE_TASK");
  if (driver != nullptr && *driver != '\0' && task != nullptr && *task != '\0')
    return std::string(driver) + " approve-schema " + task;
  std::string command =
      "clean --input " + options.input.string() + " --output " + options.output.string();
  if (options.delimiter != ',')
    command += " --delimiter '" + std::string(1, options.delimiter) + "'";
  if (!options.target.empty()) command += " --target " + options.target;
  return command + " --write-schema " + schema.string();
}

void check_target(const Schema& schema, const std::string& target, const CleanOptions& options) {
  if (target.empty()) return;
  for (const Schema::Column& c : schema.columns) {
    if (c.name != target) continue;
    if (c.type != ColumnType::kNumeric) {
      throw common::DataError(options.input.string() + ": target column " +
                              common::quote_for_message(target) + " is not numeric");
    }
    return;
  }
  std::string names;
  for (const Schema::Column& c : schema.columns)
    names += (names.empty() ? "" : ", ") + common::cut_for_message(c.name);
  throw common::DataError(options.input.string() + ": target column " +
                          common::quote_for_message(target) +
                          " not found; columns: " + common::cut_for_message(names, 1000));
}

void check_schema(const Schema& found, const CleanOptions& options) {
  if (options.schema.empty() || options.schema == options.write_schema) return;
  Schema approved = load_schema(options.schema);
  std::vector<std::string> diff = diff_schema(approved, found);
  if (!diff.empty()) {
    std::string message = options.input.string() + ": schema drift against " +
                          options.schema.string() + " (" + std::to_string(diff.size()) +
                          (diff.size() == 1 ? " change" : " changes") + "):";
    for (const std::string& line : diff) message += "\n  " + line;
    message += "\nafter review, approve the new schema with:\n  " +
               approve_command(options, options.schema);
    throw common::DataError(message);
  }
  check_target(found, approved.target, options);
}
}  // namespace tasks
