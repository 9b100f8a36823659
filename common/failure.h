#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "common/error.h"

namespace common {

// A failure as a program reports it: its kind and the line shown after "<program>: ".
struct Failure {
  FailureKind kind = FailureKind::kInternal;  // what went wrong; each program maps it to a code
  std::string message;                        // the whole message, uncut (callers bound it)
};

// The one place an exception is translated (every `main` catches `...` and calls this):
//   common::Error                    -> its kind(), what()
//   boost::program_options::error    -> kUsage, "<what()> (see <program> --help)"
//   std::bad_alloc                   -> kInternal, "out of memory"
//   any other std::exception         -> kInternal, "internal error: <what()>"
//   anything else, or a null pointer -> kInternal, "internal error: unknown exception"
Failure describe_failure(std::exception_ptr error, std::string_view program);

// The task programs' table (SPEC section 2): kUsage 64, kData 65, kNoInput 66, kInternal 70,
// kCantCreate 73, kIo 74, kTempFail and kLocked 75, kNoPerm 77. The driver has its own
// (driver::driver_exit_code).
ExitCode exit_code_for(FailureKind kind);

}  // namespace common
