#pragma once

#include <functional>
#include <string>

namespace common {

// Runs `body` and turns every exception into "<program>: <message>" on stderr and the
// exit code of SPEC section 2 (Error subclasses map themselves; option parsing errors give
// 64; anything else 70). No exception escapes. Also ignores SIGPIPE and SIGXFSZ so a
// closed pipe or a file-size limit surfaces as an I/O error with a message.
int run_main(const std::string& program, const std::function<int()>& body);

}  // namespace common
