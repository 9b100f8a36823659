#include "tasks/model/error_stats.h"

#include <cmath>
#include <limits>

namespace tasks {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

void ErrorStats::rescale(double largest) {
  if (!std::isfinite(largest)) return;  // an infinite value gives infinite figures
  // The smallest power of two with largest / scale < kLimit.
  double scale = std::ldexp(1.0, std::ilogb(largest) - std::ilogb(kLimit) + 1);
  double f = scale_ / scale;
  sse_ *= f * f;
  sae_ *= f;
  sum_ *= f;
  sum_sq_ *= f * f;
  scale_ = scale;
}

double ErrorStats::rmse() const {
  return n_ == 0 ? kNaN : scale_ * std::sqrt(sse_ / static_cast<double>(n_));
}

double ErrorStats::mae() const {
  return n_ == 0 ? kNaN : scale_ * (sae_ / static_cast<double>(n_));
}

double ErrorStats::r2() const {
  if (n_ == 0) return kNaN;
  double sst = sum_sq_ - sum_ * sum_ / static_cast<double>(n_);
  if (!(sst > 0)) return kNaN;
  return 1.0 - sse_ / sst;
}

}  // namespace tasks
