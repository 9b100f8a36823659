#include "driver/driver_error.h"

namespace driver {

DriverExit driver_exit_code(common::FailureKind kind) {
  // No default: a new kind must be placed here (-Wswitch, an error with -Werror).
  switch (kind) {
    case common::FailureKind::kUsage:
      return DriverExit::kConfig;
    case common::FailureKind::kLocked:
      return DriverExit::kLocked;
    case common::FailureKind::kData:
    case common::FailureKind::kNoInput:
    case common::FailureKind::kCantCreate:
    case common::FailureKind::kIo:
    case common::FailureKind::kTempFail:
    case common::FailureKind::kNoPerm:
    case common::FailureKind::kInternal:
      // The driver reports on a whole run: anything else that stops it is its own failure.
      return DriverExit::kSoftware;
  }
  return DriverExit::kSoftware;
}

}  // namespace driver
