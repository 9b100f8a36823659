#pragma once

#include <cstdint>

#include "tasks/model/model.h"

namespace tasks {

// Streaming regression error figures over (actual, predicted) pairs: memory does not grow
// with the number of rows. R² uses the rows' own mean (sums shifted by the first actual
// value, so large targets keep their precision).
class ErrorStats {
 public:
  void add(double actual, double predicted) {
    if (n_ == 0) shift_ = actual;
    double e = actual - predicted;
    double d = actual - shift_;
    ++n_;
    sse_ += e * e;
    sae_ += e < 0 ? -e : e;
    sum_ += d;
    sum_sq_ += d * d;
  }

  std::int64_t count() const { return n_; }
  double sse() const { return sse_; }
  // NaN when there are no rows; r2() is NaN as well when the actual values are constant.
  double rmse() const;
  double mae() const;
  double r2() const;
  SplitMetrics metrics() const { return SplitMetrics{n_, rmse(), mae(), r2()}; }

 private:
  std::int64_t n_ = 0;
  double sse_ = 0;
  double sae_ = 0;
  double shift_ = 0;
  double sum_ = 0;
  double sum_sq_ = 0;
};

}  // namespace tasks
