#pragma once

#include <string>

namespace tasks {

// The deployment sign-off rule (SPEC section 5): a candidate whose test RMSE is more than
// `max_regression` (0.05 = 5%) worse than the deployed model's is refused unless a person
// approved it. Also refused without approval: a candidate or deployed model without a
// test RMSE (nothing to compare).
struct GateDecision {
  bool allowed = true;
  std::string reason;  // why it was refused, or what was compared
};

GateDecision quality_gate(double candidate_rmse, double deployed_rmse, double max_regression);

}  // namespace tasks
