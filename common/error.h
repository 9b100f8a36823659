#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace common {

// The task programs' exit codes (sysexits.h), SPEC section 2. An error does not choose its
// code: it has a FailureKind, and common::exit_code_for (failure.h) is the one table from
// kinds to these codes.
enum class ExitCode : int {
  kOk = 0,
  kUsage = 64,         // bad flags or parameters
  kData = 65,          // malformed CSV, schema drift, missing target
  kNoInput = 66,       // an input does not exist or cannot be read
  kSoftware = 70,      // internal error
  kCantCreate = 73,    // an output cannot be created
  kIo = 74,            // read or write failed
  kTempFail = 75,      // temporary failure: a retry may help
  kNoPerm = 77,        // refused by policy: needs a person's approval
  kInterrupted = 130,  // SIGINT
};

// What went wrong, independent of which program reports it. Each program maps kinds to its
// exit codes in one table: common::exit_code_for (failure.h) for the task programs, SPEC
// section 2; driver::driver_exit_code (driver/driver_error.h) for the driver, SPEC section 6.
enum class FailureKind {
  kUsage,       // bad flags, parameters or configuration
  kData,        // malformed CSV, schema drift, missing target, invalid document
  kNoInput,     // an input does not exist or cannot be read
  kCantCreate,  // an output cannot be created
  kIo,          // a read or write failed
  kTempFail,    // temporary failure: a retry may help
  kLocked,      // another process holds a lock this one needs
  kNoPerm,      // refused by policy: needs a person's approval
  kInternal,    // a bug, or an exception that is not a common::Error
};

// Base of every error the project throws. what() is the one-line message shown to the
// user after "<program>: "; it names the place, what was expected and what was found.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual FailureKind kind() const { return FailureKind::kInternal; }
  // True when retrying the same step may succeed (EIO, EAGAIN, network errors, ...).
  virtual bool transient() const { return false; }
};

class UsageError : public Error {
 public:
  using Error::Error;
  FailureKind kind() const override { return FailureKind::kUsage; }
};

// Bad data: malformed CSV, schema drift, missing target, invalid document.
class DataError : public Error {
 public:
  using Error::Error;
  FailureKind kind() const override { return FailureKind::kData; }
};

class InputMissingError : public Error {
 public:
  using Error::Error;
  FailureKind kind() const override { return FailureKind::kNoInput; }
};

class InternalError : public Error {
 public:
  using Error::Error;
};

class OutputError : public Error {
 public:
  using Error::Error;
  FailureKind kind() const override { return FailureKind::kCantCreate; }
};

// A failed system call on a file. Transient when errno is one of EIO, EAGAIN, EINTR,
// EBUSY, ETIMEDOUT (SPEC section 2).
class IoError : public Error {
 public:
  IoError(const std::string& message, int err) : Error(message), errno_(err) {}
  FailureKind kind() const override { return FailureKind::kIo; }
  bool transient() const override;
  int error_number() const { return errno_; }

 private:
  int errno_;
};

// A failure that a later attempt may not see: network errors, a service not yet up,
// an injected failpoint.
class TransientError : public Error {
 public:
  using Error::Error;
  FailureKind kind() const override { return FailureKind::kTempFail; }
  bool transient() const override { return true; }
};

class PolicyError : public Error {
 public:
  using Error::Error;
  FailureKind kind() const override { return FailureKind::kNoPerm; }
};

// True for the errno values SPEC section 2 calls transient.
bool is_transient_errno(int err);

// "<what> <path>: <strerror(err)>" as the right subclass: ENOENT/EACCES on an input
// gives InputMissingError when `role` is kInput, EACCES/EROFS/ENOENT on an output gives
// OutputError when `role` is kOutput, anything else IoError.
enum class FileRole { kInput, kOutput, kOther };
[[noreturn]] void throw_system_error(const std::string& what, const std::filesystem::path& path,
                                     int err, FileRole role = FileRole::kOther);

}  // namespace common
