#include "tasks/model/error_stats.h"

#include <cmath>
#include <limits>

namespace tasks {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double ErrorStats::rmse() const {
  return n_ == 0 ? kNaN : std::sqrt(sse_ / static_cast<double>(n_));
}

double ErrorStats::mae() const { return n_ == 0 ? kNaN : sae_ / static_cast<double>(n_); }

double ErrorStats::r2() const {
  if (n_ == 0) return kNaN;
  double sst = sum_sq_ - sum_ * sum_ / static_cast<double>(n_);
  if (!(sst > 0)) return kNaN;
  return 1.0 - sse_ / sst;
}

}  // namespace tasks
