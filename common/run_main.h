#pragma once

#include <functional>
#include <string>

namespace common {

// Runs `body` and turns every exception into "<program>: <message>" on stderr (the message
// of describe_failure, cut by bound_message) and the exit code of SPEC section 2
// (exit_code_for its kind: option parsing errors give 64, anything not a common::Error 70).
// No exception escapes. Also ignores SIGPIPE and SIGXFSZ so a
// closed pipe or a file-size limit surfaces as an I/O error with a message.
int run_main(const std::string& program, const std::function<int()>& body);

}  // namespace common
