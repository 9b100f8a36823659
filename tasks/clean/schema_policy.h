#pragma once

#include <filesystem>
#include <string>

#include "tasks/clean/clean.h"
#include "tasks/clean/schema.h"

namespace tasks {

// What clean does with the schema it found: the target must be a numeric column, and an
// approved schema (--schema) must match it, else the run stops with a diff and the command
// that approves the new one.

// The command that approves the new schema, to be pasted where the user ran it: under the
// driver ($PIPELINE_DRIVER_COMMAND and $PIPELINE_TASK), `driver ... approve-schema TASK`,
// which reruns the task in its workdir with the run's directories (run by hand in the
// workdir, clean would put logs/, metrics/ and runs/ there); else clean with the paths as
// given, which work from the directory clean was run in.
std::string approve_command(const CleanOptions& options, const std::filesystem::path& schema);

// Throws DataError "<input>: target column \"t\" is not numeric" or "... not found; columns:
// a, b"; an empty target passes.
void check_target(const Schema& schema, const std::string& target, const CleanOptions& options);

// Throws DataError "<input>: schema drift against <schema> (N changes):" with one line per
// change and the approving command, when options.schema is set (and is not the schema being
// written) and differs from `found`; then checks the approved schema's target.
void check_schema(const Schema& found, const CleanOptions& options);

}  // namespace tasks
