#include "tasks/model/predict_csv.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/support/small_model.h"
#include "tests/support/test_util.h"

using tasks::predict_csv_file;
using test_util::read_text;
using test_util::small_model;
using test_util::TempDir;
using test_util::write_text;

TEST_CASE("predicting a CSV writes one shortest round-trip number per row", "[predict_csv]") {
  TempDir dir;
  write_text(dir / "rows.csv", "color,x\na,2\nb,0.5\nc,1.1\n");
  tasks::PredictCsvResult r = predict_csv_file(small_model(), dir / "rows.csv", dir / "out.csv");
  REQUIRE(r.rows == 3);
  REQUIRE_FALSE(r.has_target);
  REQUIRE(read_text(dir / "out.csv") == "prediction\n15\n7\n10.4\n");
}

TEST_CASE("predicting rows that hold the target scores the predictions", "[predict_csv]") {
  TempDir dir;
  write_text(dir / "rows.csv", "x,y,color\n2,16,a\n0.5,4,b\n");
  tasks::PredictCsvResult r = predict_csv_file(small_model(), dir / "rows.csv", dir / "out.csv");
  REQUIRE(r.has_target);
  REQUIRE(r.errors.count() == 2);
  REQUIRE(r.errors.mae() == 2);  // errors 1 and -3
  REQUIRE(r.errors.rmse() == Approx(std::sqrt(5.0)).epsilon(1e-15));
}

TEST_CASE("a bad row fails the prediction and leaves the previous output", "[predict_csv]") {
  TempDir dir;
  write_text(dir / "out.csv", "previous\n");
  write_text(dir / "rows.csv", "x,color\n1,a\n1,a,extra\n");
  REQUIRE_THROWS_WITH(predict_csv_file(small_model(), dir / "rows.csv", dir / "out.csv"),
                      (dir / "rows.csv").string() + ":3: expected 2 fields, found 3");
  write_text(dir / "rows.csv", "x,color\n1,a\nx,a\n");
  REQUIRE_THROWS_WITH(
      predict_csv_file(small_model(), dir / "rows.csv", dir / "out.csv"),
      (dir / "rows.csv").string() + ":3: column \"x\": expected a number, got \"x\"");
  REQUIRE(read_text(dir / "out.csv") == "previous\n");
}

TEST_CASE("an empty CSV has no header to bind", "[predict_csv]") {
  TempDir dir;
  write_text(dir / "rows.csv", "");
  REQUIRE_THROWS_WITH(predict_csv_file(small_model(), dir / "rows.csv", dir / "out.csv"),
                      (dir / "rows.csv").string() + ": empty file: expected a header row");
  REQUIRE_FALSE(std::filesystem::exists(dir / "out.csv"));
}

TEST_CASE("a header only gives a prediction file with a header only", "[predict_csv]") {
  TempDir dir;
  write_text(dir / "rows.csv", "x,color\n");
  REQUIRE(predict_csv_file(small_model(), dir / "rows.csv", dir / "out.csv").rows == 0);
  REQUIRE(read_text(dir / "out.csv") == "prediction\n");
}
