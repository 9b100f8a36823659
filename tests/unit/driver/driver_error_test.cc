#include "driver/driver_error.h"

#include <catch2/catch.hpp>
#include <exception>

#include "common/failure.h"

using common::FailureKind;

namespace {

int driver_code(FailureKind kind) { return static_cast<int>(driver::driver_exit_code(kind)); }

template <typename Exception>
common::Failure described(const Exception& error) {
  return common::describe_failure(std::make_exception_ptr(error), "driver");
}

}  // namespace

TEST_CASE("the driver exits 2 for usage, 75 when locked and 70 for any other failure",
          "[driver_error]") {
  CHECK(driver_code(FailureKind::kUsage) == 2);
  CHECK(driver_code(FailureKind::kLocked) == 75);
  for (FailureKind kind :
       {FailureKind::kData, FailureKind::kNoInput, FailureKind::kCantCreate, FailureKind::kIo,
        FailureKind::kTempFail, FailureKind::kNoPerm, FailureKind::kInternal}) {
    CHECK(driver_code(kind) == 70);
  }
}

TEST_CASE("a dag.json or option problem is a usage failure and a held workdir a locked one",
          "[driver_error]") {
  common::Failure config = described(driver::ConfigError("dag.json:4:12: expected a string"));
  CHECK(config.kind == FailureKind::kUsage);
  CHECK(config.message == "dag.json:4:12: expected a string");
  CHECK(driver_code(config.kind) == 2);
  CHECK(driver_code(described(common::UsageError("x")).kind) == 2);

  common::Failure locked = described(driver::LockedError("workdir w is locked by pid 7"));
  CHECK(locked.kind == FailureKind::kLocked);
  CHECK(driver_code(locked.kind) == 75);
}

TEST_CASE("a transient error that escapes the driver is the driver's own failure",
          "[driver_error]") {
  CHECK(driver_code(described(common::TransientError("x")).kind) == 70);
}
