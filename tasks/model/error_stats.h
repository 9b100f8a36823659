#pragma once

#include <cmath>
#include <cstdint>

#include "tasks/model/model.h"

namespace tasks {

// Streaming regression error figures over (actual, predicted) pairs: memory does not grow
// with the number of rows. R² uses the rows' own mean (sums shifted by the first actual
// value, so large targets keep their precision).
//
// Values near the top of double's range (targets near 1e200 square to infinity) are
// accumulated divided by a power of two, raised when a value reaches 2^400 times it, so
// the figures stay finite whenever they are representable. Dividing by a power of two is
// exact: for ordinary data the divisor stays 1 and the figures are bit for bit those of
// plain sums.
class ErrorStats {
 public:
  void add(double actual, double predicted) {
    if (n_ == 0) shift_ = actual;
    double largest =
        std::fmax(std::fabs(actual), std::fmax(std::fabs(predicted), std::fabs(shift_)));
    if (largest >= kLimit * scale_) rescale(largest);
    double e = actual / scale_ - predicted / scale_;
    double d = actual / scale_ - shift_ / scale_;
    ++n_;
    sse_ += e * e;
    sae_ += e < 0 ? -e : e;
    sum_ += d;
    sum_sq_ += d * d;
  }

  std::int64_t count() const { return n_; }
  double sse() const { return sse_ * scale_ * scale_; }
  // NaN when there are no rows; r2() is NaN as well when the actual values are constant.
  double rmse() const;
  double mae() const;
  double r2() const;
  SplitMetrics metrics() const { return SplitMetrics{n_, rmse(), mae(), r2()}; }

 private:
  static constexpr double kLimit = 0x1p400;  // squares of 2^400 times 2^200 rows stay finite
  void rescale(double largest);

  std::int64_t n_ = 0;
  double scale_ = 1;  // a power of two: every sum below is of values divided by it
  double sse_ = 0;
  double sae_ = 0;
  double shift_ = 0;
  double sum_ = 0;
  double sum_sq_ = 0;
};

}  // namespace tasks
