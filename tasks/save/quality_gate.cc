#include "tasks/save/quality_gate.h"

#include <cmath>
#include <cstdio>

#include "common/number.h"

namespace tasks {

namespace {

std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", fraction * 100);
  return buffer;
}

}  // namespace

GateDecision quality_gate(double candidate_rmse, double deployed_rmse, double max_regression) {
  if (!std::isfinite(candidate_rmse) || !std::isfinite(deployed_rmse)) {
    return {false, "cannot compare test RMSEs (candidate " + common::format_number(candidate_rmse) +
                       ", deployed " + common::format_number(deployed_rmse) + ")"};
  }
  double change =
      deployed_rmse > 0 ? candidate_rmse / deployed_rmse - 1 : (candidate_rmse > 0 ? INFINITY : 0);
  std::string comparison = "test RMSE " + common::format_number(candidate_rmse) + " vs deployed " +
                           common::format_number(deployed_rmse) + " (" + (change >= 0 ? "+" : "") +
                           percent(change) + ", limit +" + percent(max_regression) + ")";
  if (change > max_regression) return {false, comparison};
  return {true, comparison};
}

}  // namespace tasks
