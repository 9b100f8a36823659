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
