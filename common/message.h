#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace common {

// How error messages quote what a user gave (a column name, a value, a flag): in double
// quotes, cut to at most kQuotedBytes bytes of the value with "..." appended, the cut on a
// UTF-8 character boundary, so that one 10 MB header name cannot make a 10 MB error line
// (nor a 10 MB log record or manifest entry). Every message that quotes a user value goes
// through this; docs/logs.md states the rule.
inline constexpr std::size_t kQuotedBytes = 200;

// "\"value\"", or "\"<first ~200 bytes>...\"" for a longer value.
std::string quote_for_message(std::string_view value, std::size_t max_bytes = kQuotedBytes);

// `value` cut the same way, without the quotes (for lists like "columns: a, b, ...").
std::string cut_for_message(std::string_view value, std::size_t max_bytes = kQuotedBytes);

// The longest a whole message may be (a list of 100,000 column names is cut too): longer
// messages are cut to kMessageBytes with "... (N bytes cut)". run_main (stderr) and
// run_task (the log's "end" event and the manifest's "error") apply it to every error.
inline constexpr std::size_t kMessageBytes = 4096;
std::string bound_message(std::string_view message, std::size_t max_bytes = kMessageBytes);

}  // namespace common
