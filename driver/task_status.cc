#include "driver/task_status.h"

namespace driver {

const char* to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::kNotSelected:
      return "not selected";
    case TaskStatus::kPending:
      return "pending";
    case TaskStatus::kUpToDate:
      return "up to date";
    case TaskStatus::kOk:
      return "ok";
    case TaskStatus::kFailed:
      return "failed";
    case TaskStatus::kSkipped:
      return "skipped";
    case TaskStatus::kNotRun:
      return "not run";
    case TaskStatus::kStopped:
      return "stopped";
    case TaskStatus::kInterrupted:
      return "interrupted";
  }
  return "?";
}

const char* status_id(TaskStatus status) {
  switch (status) {
    case TaskStatus::kNotSelected:
      return "not_selected";
    case TaskStatus::kUpToDate:
      return "up_to_date";
    case TaskStatus::kNotRun:
      return "not_run";
    default:
      return to_string(status);  // one word already
  }
}

}  // namespace driver
