#pragma once

#include <string>
#include <stdexcept>
#include <filesystem>

namespace common {

// Process exit codes (sysexits.h), SPEC section 2.
enum class ExitCode : int {
  kOk = 0,
  kUsage = 64,        // bad flags or parameters
  kData = 65,         // malformed CSV, schema drift, missing target
  kNoInput = 66,      // an input does not exist or cannot be read
  kSoftware = 70,     // internal error
  kCantCreate = 73,   // an output cannot be created
  kIo = 74,           // read or write failed
  kTempFail = 75,     // temporary failure: a retry may help
  kNoPerm = 77,       // refused by policy: needs a person's approval
  kInterrupted = 130, // SIGINT
};

// Base of every error the project throws. what() is the one-line message shown to the
// user after "<program>: "; it names the place, what was expected and what was found.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual ExitCode exit_code() const { return ExitCode::kSoftware; }
  // True when retrying the same step may succeed (EIO, EAGAIN, network errors, ...).
  virtual bool transient() const { return false; }
};

class UsageError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kUsage; }
};

// Bad data: malformed CSV, schema drift, missing target, invalid document.
class DataError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kData; }
};

class InputMissingError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kNoInput; }
};

class InternalError : public Error {
 public:
  using Error::Error;
};

class OutputError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kCantCreate; }
};

// A failed system call on a file. Transient when errno is one of EIO, EAGAIN, EINTR,
// EBUSY, ETIMEDOUT (SPEC section 2).
class IoError : public Error {
 public:
  IoError(const std::string& message, int err) : Error(message), errno_(err) {}
  ExitCode exit_code() const override { return ExitCode::kIo; }
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
  ExitCode exit_code() const override { return ExitCode::kTempFail; }
  bool transient() const override { return true; }
};

class PolicyError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kNoPerm; }
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
