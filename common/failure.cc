#include "common/failure.h"

#include <boost/program_options/errors.hpp>
#include <new>

namespace common {

Failure describe_failure(std::exception_ptr error, std::string_view program) {
  if (!error) return {FailureKind::kInternal, "internal error: unknown exception"};
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return {e.kind(), e.what()};
  } catch (const boost::program_options::error& e) {
    // Cli::parse wraps its own option errors in a UsageError; this catches the others.
    return {FailureKind::kUsage,
            std::string(e.what()) + " (see " + std::string(program) + " --help)"};
  } catch (const std::bad_alloc&) {
    return {FailureKind::kInternal, "out of memory"};
  } catch (const std::exception& e) {
    return {FailureKind::kInternal, std::string("internal error: ") + e.what()};
  } catch (...) {
    return {FailureKind::kInternal, "internal error: unknown exception"};
  }
}

ExitCode exit_code_for(FailureKind kind) {
  // No default: a new kind must be given a code here (-Wswitch, an error with -Werror).
  switch (kind) {
    case FailureKind::kUsage:
      return ExitCode::kUsage;
    case FailureKind::kData:
      return ExitCode::kData;
    case FailureKind::kNoInput:
      return ExitCode::kNoInput;
    case FailureKind::kCantCreate:
      return ExitCode::kCantCreate;
    case FailureKind::kIo:
      return ExitCode::kIo;
    case FailureKind::kTempFail:
    case FailureKind::kLocked:
      return ExitCode::kTempFail;
    case FailureKind::kNoPerm:
      return ExitCode::kNoPerm;
    case FailureKind::kInternal:
      return ExitCode::kSoftware;
  }
  return ExitCode::kSoftware;
}

}  // namespace common
