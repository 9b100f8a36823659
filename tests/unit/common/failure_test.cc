#include "common/failure.h"

#include <boost/program_options/errors.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <new>
#include <stdexcept>
#include <vector>

#include "common/csv_reader.h"

using common::Failure;
using common::FailureKind;

namespace {

template <typename Exception>
Failure described(const Exception& error) {
  return common::describe_failure(std::make_exception_ptr(error), "prog");
}

}  // namespace

TEST_CASE("an Error is described by its own kind and message", "[failure]") {
  struct Case {
    std::exception_ptr error;
    FailureKind kind;
    std::string message = "m";
  };
  std::vector<Case> cases = {
      {std::make_exception_ptr(common::Error("m")), FailureKind::kInternal},
      {std::make_exception_ptr(common::UsageError("m")), FailureKind::kUsage},
      {std::make_exception_ptr(common::DataError("m")), FailureKind::kData},
      {std::make_exception_ptr(common::CsvError("raw.csv", 3, "m")), FailureKind::kData,
       "raw.csv:3: m"},
      {std::make_exception_ptr(common::InputMissingError("m")), FailureKind::kNoInput},
      {std::make_exception_ptr(common::InternalError("m")), FailureKind::kInternal},
      {std::make_exception_ptr(common::OutputError("m")), FailureKind::kCantCreate},
      {std::make_exception_ptr(common::IoError("m", EIO)), FailureKind::kIo},
      {std::make_exception_ptr(common::TransientError("m")), FailureKind::kTempFail},
      {std::make_exception_ptr(common::PolicyError("m")), FailureKind::kNoPerm},
  };
  for (const Case& c : cases) {
    Failure failure = common::describe_failure(c.error, "prog");
    CHECK(failure.kind == c.kind);
    CHECK(failure.message == c.message);
  }
}

TEST_CASE("an option parsing error is a usage failure that points at --help", "[failure]") {
  Failure failure = described(boost::program_options::unknown_option("--bogus"));
  CHECK(failure.kind == FailureKind::kUsage);
  CHECK(failure.message == "unrecognised option '--bogus' (see prog --help)");
}

TEST_CASE("running out of memory is an internal failure that says so", "[failure]") {
  Failure failure = described(std::bad_alloc());
  CHECK(failure.kind == FailureKind::kInternal);
  CHECK(failure.message == "out of memory");
}

TEST_CASE("another std::exception is an internal error with its own text", "[failure]") {
  Failure failure = described(std::runtime_error("boom"));
  CHECK(failure.kind == FailureKind::kInternal);
  CHECK(failure.message == "internal error: boom");
}

TEST_CASE("anything else thrown is an internal error of unknown kind", "[failure]") {
  Failure failure = described(42);
  CHECK(failure.kind == FailureKind::kInternal);
  CHECK(failure.message == "internal error: unknown exception");
  Failure none = common::describe_failure(nullptr, "prog");
  CHECK(none.kind == FailureKind::kInternal);
  CHECK(none.message == "internal error: unknown exception");
}

TEST_CASE("the message is the exception's whole text, uncut", "[failure]") {
  std::string long_text(10000, 'x');
  CHECK(described(common::DataError(long_text)).message == long_text);
}

TEST_CASE("the task programs give each failure kind its sysexits code", "[failure]") {
  auto code = [](FailureKind kind) { return static_cast<int>(common::exit_code_for(kind)); };
  CHECK(code(FailureKind::kUsage) == 64);
  CHECK(code(FailureKind::kData) == 65);
  CHECK(code(FailureKind::kNoInput) == 66);
  CHECK(code(FailureKind::kInternal) == 70);
  CHECK(code(FailureKind::kCantCreate) == 73);
  CHECK(code(FailureKind::kIo) == 74);
  CHECK(code(FailureKind::kTempFail) == 75);
  CHECK(code(FailureKind::kLocked) == 75);
  CHECK(code(FailureKind::kNoPerm) == 77);
}
