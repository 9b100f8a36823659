#include "tasks/model/error_stats.h"

#include <catch2/catch.hpp>
#include <cmath>

using tasks::ErrorStats;

TEST_CASE("error stats give RMSE, MAE and R2 of the pairs added", "[error_stats]") {
  ErrorStats e;
  e.add(1, 2);  // error -1
  e.add(2, 2);  // 0
  e.add(6, 4);  // 2
  REQUIRE(e.count() == 3);
  REQUIRE(e.sse() == 5);
  REQUIRE(e.rmse() == Approx(std::sqrt(5.0 / 3)).epsilon(1e-15));
  REQUIRE(e.mae() == 1);
  // SST about the mean 3: 4 + 1 + 9 = 14.
  REQUIRE(e.r2() == Approx(1 - 5.0 / 14).epsilon(1e-15));
}

TEST_CASE("error stats of no rows are undefined", "[error_stats]") {
  ErrorStats e;
  REQUIRE(std::isnan(e.rmse()));
  REQUIRE(std::isnan(e.mae()));
  REQUIRE(std::isnan(e.r2()));
  REQUIRE(e.metrics().rows == 0);
}

TEST_CASE("R2 of a constant target is undefined", "[error_stats]") {
  ErrorStats e;
  e.add(5, 4);
  e.add(5, 6);
  REQUIRE(e.rmse() == 1);
  REQUIRE(std::isnan(e.r2()));
}

TEST_CASE("R2 keeps its precision for large targets", "[error_stats]") {
  ErrorStats e;
  e.add(1e9 + 1, 1e9 + 1);
  e.add(1e9 - 1, 1e9);
  // SST = 2, SSE = 1.
  REQUIRE(e.r2() == 0.5);
}

TEST_CASE("error figures of targets near 1e200 stay finite", "[error_stats]") {
  // Squared errors of 1e200 overflow a double; the sums are kept in a power-of-two unit.
  ErrorStats e;
  e.add(1e200, 0);
  e.add(-1e200, 0);
  e.add(1e200, 3e200);
  REQUIRE(e.rmse() == Approx(std::sqrt(6.0 / 3) * 1e200).epsilon(1e-12));
  REQUIRE(e.mae() == Approx(4e200 / 3).epsilon(1e-12));
  // SST about the mean 1e200 / 3: (4 + 16 + 4) / 9 * 1e400 = 24/9 e400; SSE = 6e400.
  REQUIRE(e.r2() == Approx(1 - 6.0 / (24.0 / 9)).epsilon(1e-12));
  ErrorStats huge;
  huge.add(1e300, 5e299);
  huge.add(-1e300, -5e299);
  REQUIRE(huge.rmse() == Approx(5e299).epsilon(1e-12));
}
