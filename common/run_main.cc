#include "common/run_main.h"

#include <csignal>
#include <exception>
#include <iostream>

#include "common/failure.h"
#include "common/message.h"

namespace common {

int run_main(const std::string& program, const std::function<int()>& body) {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return body();
  } catch (...) {
    Failure failure = describe_failure(std::current_exception(), program);
    std::cerr << program << ": " << bound_message(failure.message) << '\n';
    return static_cast<int>(exit_code_for(failure.kind));
  }
}

}  // namespace common
