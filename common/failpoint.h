#pragma once

#include <string>

namespace common {

// Failpoints for tests (SPEC section 2), read once from PIPELINE_FAILPOINTS, e.g.
// "ingest.read=2,save.deploy=1": the named step throws a TransientError the first N times
// it is reached in this process. Off unless the variable is set. Entries that cannot be
// used are ignored with a warning (failpoints_warning()).
//
// Throws TransientError("failpoint <name>: injected transient failure (k of N)") while
// the named failpoint has failures left.
void failpoint(const std::string& name);

// The exit code of a "<task>.exit=CODE" (or "task.exit=CODE") failpoint, or -1 when none
// is set for `task`. Programs check it right after parsing their flags.
int failpoint_exit_code(const std::string& task);

// The one-line warning printed to stderr when PIPELINE_FAILPOINTS was read, or "" when
// every entry was used: an entry that is not NAME=COUNT, has a count that is not a
// non-negative integer, or names no failpoint of the project is ignored, and the warning
// quotes each such entry and lists the known names.
std::string failpoints_warning();

// Forgets the parsed variable so tests can set PIPELINE_FAILPOINTS again.
void reset_failpoints();

}  // namespace common
