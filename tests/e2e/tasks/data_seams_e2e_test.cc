// Seams between the programs at the data level (issue 10): what clean writes is what
// train, predict and report read; names and numbers that would be misread are refused.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::read_text;
using test_util::TempDir;
using test_util::write_text;

namespace {

test_util::ProcessResult run(const TempDir& dir, const std::string& program,
                             std::vector<std::string> args) {
  args.insert(args.begin(), test_util::bin(program).string());
  return test_util::run_process(args, dir.path());
}

// y = 2x on five rows: a model whose predictions overflow for x near 1e308.
void train_line(const TempDir& dir) {
  write_text(dir / "clean.csv", "x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n");
  REQUIRE(run(dir, "train",
              {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y",
               "--test-fraction", "0"})
              .exit_code == 0);
}

}  // namespace

TEST_CASE("clean writes commas whatever the input's delimiter, so train and predict read clean.csv",
          "[clean][train][predict][seams]") {
  TempDir dir;
  write_text(dir / "raw.tsv", "x\ty\tname\n1\t2\ta,b\n2\t4\tc\n3\t6.50\td\n4\t8\ta,b\n5\t10\tc\n");
  auto cleaned =
      run(dir, "clean", {"--input", "raw.tsv", "--output", "clean.csv", "--delimiter", "\\t"});
  REQUIRE(cleaned.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") ==
        "x,y,name\n1,2,\"a,b\"\n2,4,c\n3,6.5,d\n4,8,\"a,b\"\n5,10,c\n");
  auto trained = run(
      dir, "train",
      {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--test-fraction", "0"});
  INFO(trained.err);
  REQUIRE(trained.exit_code == 0);
  auto predicted =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "clean.csv", "--output", "p.csv"});
  INFO(predicted.err);
  REQUIRE(predicted.exit_code == 0);
  CHECK(test_util::read_lines(dir / "p.csv").size() == 6);
  auto reported = run(dir, "report",
                      {"--input", "trained.pkl", "--input", "clean.csv", "--output", "report.md"});
  INFO(reported.err);
  CHECK(reported.exit_code == 0);
  CHECK(fs::exists(dir / "report.md"));
}

TEST_CASE("predict reads its input with --delimiter and gives the same predictions",
          "[predict][seams]") {
  TempDir dir;
  train_line(dir);
  write_text(dir / "comma.csv", "y,x\n0,1.5\n0,7\n");
  write_text(dir / "semicolon.csv", "y;x\n0;1.5\n0;7\n");
  REQUIRE(
      run(dir, "predict", {"--model", "trained.pkl", "--input", "comma.csv", "--output", "a.csv"})
          .exit_code == 0);
  auto r = run(dir, "predict",
               {"--model", "trained.pkl", "--input", "semicolon.csv", "--output", "b.csv",
                "--delimiter", ";"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "b.csv") == read_text(dir / "a.csv"));
  // Without the flag the header is one column named "y;x".
  auto wrong = run(dir, "predict",
                   {"--model", "trained.pkl", "--input", "semicolon.csv", "--output", "c.csv"});
  CHECK(wrong.exit_code == 65);
  CHECK_FALSE(fs::exists(dir / "c.csv"));
}

TEST_CASE("clean writes a lone empty value as \"\" so that it reads back as a row",
          "[clean][seams]") {
  TempDir dir;
  write_text(dir / "raw.csv", "a\n\"\"\nx\n");
  auto r = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv", "--null-token", "X"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == "a\n\"\"\nx\n");
  // Read back by the same reader: both rows are still there.
  auto again =
      run(dir, "clean", {"--input", "clean.csv", "--output", "again.csv", "--null-token", "X"});
  REQUIRE(again.exit_code == 0);
  CHECK(again.err ==
        "clean: kept 2 of 2 rows (0 dropped for nulls or non-finite numbers) into again.csv\n");
  CHECK(read_text(dir / "again.csv") == read_text(dir / "clean.csv"));
}

TEST_CASE("predict refuses an input with two columns of one name, naming it", "[predict][seams]") {
  TempDir dir;
  train_line(dir);
  write_text(dir / "rows.csv", "id,x,x\n1,2,3\n");
  auto r =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "p.csv"});
  CHECK(r.exit_code == 65);
  CHECK(r.err == "predict: rows.csv:1: duplicate column name \"x\" (columns 2 and 3)\n");
  CHECK_FALSE(fs::exists(dir / "p.csv"));
}

TEST_CASE("predict stops at a prediction that is not a finite number, naming its row",
          "[predict][seams]") {
  TempDir dir;
  train_line(dir);
  write_text(dir / "p.csv", "previous\n");
  write_text(dir / "rows.csv", "x\n3\n1.7e308\n");
  auto r =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "p.csv"});
  CHECK(r.exit_code == 65);
  CHECK(r.err == "predict: rows.csv:3: the prediction is not a finite number\n");
  CHECK(read_text(dir / "p.csv") == "previous\n");  // the earlier output is intact
}

TEST_CASE("a dropped row decides no column's type: the approved schema and the model agree",
          "[clean][train][seams]") {
  TempDir dir;
  // Column c holds text only in rows that clean drops: one with a null in x, one with a
  // non-finite number in x. In the kept rows c is numeric, as train sees it.
  write_text(dir / "raw.csv",
             "x,c,y\n1,10,5\n2,20,7\nNA,abc,9\n3,30,11\n1e999,def,12\n4,40,13\n5,50,16\n");
  auto cleaned = run(dir, "clean",
                     {"--input", "raw.csv", "--output", "clean.csv", "--target", "y",
                      "--write-schema", "schema.json"});
  INFO(cleaned.err);
  REQUIRE(cleaned.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == "x,c,y\n1,10,5\n2,20,7\n3,30,11\n4,40,13\n5,50,16\n");
  std::string schema = read_text(dir / "schema.json");
  CHECK(schema.find("\"categorical\"") == std::string::npos);
  REQUIRE(run(dir, "train",
              {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y",
               "--test-fraction", "0"})
              .exit_code == 0);
  std::string model = read_text(dir / "trained.pkl");
  CHECK(model.find("\"categorical\"") == std::string::npos);
}

TEST_CASE("a non-finite number drops its row in a text column too, so train never sees one",
          "[clean][train][seams]") {
  TempDir dir;
  write_text(dir / "raw.csv", "name,y\na,1\ninf,2\nb,3\n");
  auto cleaned = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  REQUIRE(cleaned.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == "name,y\na,1\nb,3\n");
  // train refuses what clean would have dropped rather than type it differently.
  write_text(dir / "hand.csv", "name,y\na,1\ninf,2\nb,3\n");
  auto r = run(dir, "train", {"--input", "hand.csv", "--output", "m.pkl", "--target", "y"});
  CHECK(r.exit_code == 65);
  CHECK(r.err ==
        "train: hand.csv:3: column \"name\": non-finite number \"inf\" (train expects cleaned "
        "data; run clean first)\n");
}

TEST_CASE("a model document with a key twice in one object is refused, naming the key",
          "[predict][model][seams]") {
  TempDir dir;
  train_line(dir);
  std::string model = read_text(dir / "trained.pkl");
  std::size_t at = model.find("\"intercept\":");
  REQUIRE(at != std::string::npos);
  // A second "intercept" right after the first: Boost.JSON alone would keep the last.
  model.insert(at, "\"intercept\": 1000,\n  ");
  write_text(dir / "twice.pkl", model);
  write_text(dir / "rows.csv", "x\n3\n");
  auto r =
      run(dir, "predict", {"--model", "twice.pkl", "--input", "rows.csv", "--output", "p.csv"});
  CHECK(r.exit_code == 65);
  CHECK(r.err.rfind("predict: twice.pkl:", 0) == 0);
  CHECK(r.err.find(": duplicate key \"intercept\"\n") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "p.csv"));
}

TEST_CASE("features near 1e308 give a model of finite numbers that predict reads",
          "[train][predict][seams]") {
  TempDir dir;
  // Their mean and variance overflow when summed plainly.
  write_text(dir / "clean.csv",
             "x,z,y\n1.7e308,1,3\n-1.6e308,2,1\n1.5e308,3,4\n-1.7e308,4,2\n1e308,5,6\n");
  auto trained = run(
      dir, "train",
      {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--test-fraction", "0"});
  INFO(trained.err);
  REQUIRE(trained.exit_code == 0);
  std::string model = read_text(dir / "trained.pkl");
  // Only undefined figures (here: the test split, which has no rows) may be null.
  std::string before_metrics = model.substr(0, model.find("\"metrics\""));
  CHECK(before_metrics.find("null") == std::string::npos);
  std::string train_metrics = model.substr(model.find("\"train\""), 120);
  CHECK(train_metrics.find("null") == std::string::npos);
  auto predicted =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "clean.csv", "--output", "p.csv"});
  INFO(predicted.err);
  CHECK(predicted.exit_code == 0);
}

TEST_CASE("targets near 1e200 give a finite RMSE", "[train][seams]") {
  TempDir dir;
  write_text(dir / "clean.csv", "x,y\n1,1e200\n2,3e200\n3,2e200\n4,5e200\n5,4e200\n6,7e200\n");
  auto trained = run(
      dir, "train",
      {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--test-fraction", "0"});
  INFO(trained.err);
  REQUIRE(trained.exit_code == 0);
  std::string model = read_text(dir / "trained.pkl");
  std::string train_metrics = model.substr(model.find("\"train\""), 120);
  INFO(train_metrics);
  CHECK(train_metrics.find("null") == std::string::npos);
  CHECK(train_metrics.find("e+199") != std::string::npos);  // RMSE and MAE of order 1e199
}
