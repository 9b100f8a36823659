#include "tasks/save/quality_gate.h"

#include <catch2/catch.hpp>
#include <cmath>

TEST_CASE("the quality gate allows a model within the regression limit", "[save][gate]") {
  tasks::GateDecision d = tasks::quality_gate(104.0, 100.0, 0.05);
  CHECK(d.allowed);
  CHECK(d.reason == "test RMSE 104 vs deployed 100 (+4.00%, limit +5.00%)");
}

TEST_CASE("the quality gate refuses a model beyond the regression limit", "[save][gate]") {
  tasks::GateDecision d = tasks::quality_gate(106.0, 100.0, 0.05);
  CHECK_FALSE(d.allowed);
  CHECK(d.reason == "test RMSE 106 vs deployed 100 (+6.00%, limit +5.00%)");
}

TEST_CASE("the quality gate allows any improvement", "[save][gate]") {
  tasks::GateDecision d = tasks::quality_gate(50.0, 100.0, 0.0);
  CHECK(d.allowed);
  CHECK(d.reason == "test RMSE 50 vs deployed 100 (-50.00%, limit +0.00%)");
}

TEST_CASE("the quality gate refuses when a test RMSE is missing", "[save][gate]") {
  tasks::GateDecision d = tasks::quality_gate(NAN, 100.0, 0.05);
  CHECK_FALSE(d.allowed);
  CHECK(d.reason == "cannot compare test RMSEs (candidate nan, deployed 100)");
}
