// predict as a program: it reproduces train's test figures and refuses bad model documents.
#include <catch2/catch.hpp>
#include <cmath>

#include "tasks/model/split.h"
#include "tests/e2e/tasks/train_e2e_util.h"

namespace json = boost::json;
using test_util::read_lines;
using test_util::read_text;
using test_util::TempDir;
using test_util::write_text;
using train_e2e::close;
using train_e2e::number;
using train_e2e::read_json;
using train_e2e::run;

namespace {

// The test rows (seed 42, fraction 0.2) of a CSV whose fields hold no quotes.
std::string test_rows(const std::filesystem::path& csv) {
  std::vector<std::string> lines = read_lines(csv);
  std::string out = lines[0] + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (tasks::is_test_row(42, i - 1, 0.2)) out += lines[i] + "\n";
  }
  return out;
}

// Root mean squared difference between the predictions and column `column` of `rows`.
double rmse(const std::filesystem::path& predictions, const std::filesystem::path& rows,
            std::size_t column) {
  std::vector<std::string> p = read_lines(predictions);
  std::vector<std::string> r = read_lines(rows);
  REQUIRE(p.size() == r.size());
  REQUIRE(p[0] == "prediction");
  double sse = 0;
  for (std::size_t i = 1; i < p.size(); ++i) {
    std::string field = r[i];
    for (std::size_t c = 0; c < column; ++c) field = field.substr(field.find(',') + 1);
    double e = std::stod(field.substr(0, field.find(','))) - std::stod(p[i]);
    sse += e * e;
  }
  return std::sqrt(sse / static_cast<double>(p.size() - 1));
}

}  // namespace

TEST_CASE("predicting the housing test rows reproduces the model's test RMSE", "[predict][e2e]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  train_e2e::write_clean_housing(housing, dir / "clean.csv");
  REQUIRE(run("train",
              {"--input", "clean.csv", "--output", "trained.pkl", "--target", "median_house_value"},
              dir.path())
              .exit_code == 0);
  write_text(dir / "test.csv", test_rows(dir / "clean.csv"));
  auto r = run("predict",
               {"--model", "trained.pkl", "--input", "test.csv", "--output", "predictions.csv"},
               dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(read_lines(dir / "predictions.csv").size() == 4113 + 1);
  double want =
      number(read_json(dir / "trained.pkl")["metrics"].as_object()["test"].as_object()["rmse"]);
  REQUIRE(close(rmse(dir / "predictions.csv", dir / "test.csv", 8), want, 1e-12));
  REQUIRE(r.err.rfind("predict: predicted 4113 rows -> predictions.csv (RMSE 67710.94", 0) == 0);
}

TEST_CASE("predict takes the feature columns in any order and ignores the others",
          "[predict][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", train_e2e::small_table());
  REQUIRE(
      run("train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"}, dir.path())
          .exit_code == 0);
  write_text(dir / "rows.csv", "id,x2,city,x1\n1,2,north,3\n2,2,west,3\n");
  auto r = run("predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "out.csv"},
               dir.path());
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out = read_lines(dir / "out.csv");
  REQUIRE(out.size() == 3);
  // "west" was never seen: its row differs from "north" by north's coefficient alone.
  REQUIRE(out[1] != out[2]);
}

TEST_CASE("predict refuses a model document of a newer format version", "[predict][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", train_e2e::small_table());
  REQUIRE(
      run("train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"}, dir.path())
          .exit_code == 0);
  std::string doc = read_text(dir / "trained.pkl");
  doc.replace(doc.find("\"version\": 1"), 12, "\"version\": 2");
  write_text(dir / "trained.pkl", doc);
  write_text(dir / "out.csv", "previous\n");
  auto r = run("predict", {"--model", "trained.pkl", "--input", "clean.csv", "--output", "out.csv"},
               dir.path());
  REQUIRE(r.err ==
          "predict: trained.pkl: model format version 2 is newer than this program supports (1); "
          "use a newer pipeline "
          "build\n");
  REQUIRE(r.exit_code == 65);
  REQUIRE(read_text(dir / "out.csv") == "previous\n");
}

TEST_CASE("predict refuses a file that is not a model document", "[predict][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", train_e2e::small_table());
  auto r = run("predict", {"--model", "clean.csv", "--input", "clean.csv", "--output", "out.csv"},
               dir.path());
  REQUIRE(r.err == "predict: clean.csv:1:1: invalid JSON: syntax error\n");
  REQUIRE(r.exit_code == 65);
  write_text(dir / "other.json", "{\"format\": \"pipeline-run-manifest\", \"version\": 1}\n");
  r = run("predict", {"--model", "other.json", "--input", "clean.csv", "--output", "out.csv"},
          dir.path());
  REQUIRE(
      r.err ==
      "predict: other.json: not a model document: expected \"format\": \"pipeline-model\", found "
      "\"pipeline-run-manifest\"\n");
  REQUIRE(r.exit_code == 65);
}

TEST_CASE("predict names a missing feature column and a bad value", "[predict][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", train_e2e::small_table());
  REQUIRE(
      run("train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"}, dir.path())
          .exit_code == 0);
  write_text(dir / "rows.csv", "x1,x2\n1,2\n");
  auto r = run("predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "out.csv"},
               dir.path());
  REQUIRE(r.err ==
          "predict: rows.csv: missing column \"city\" needed by the model; columns: x1, x2\n");
  REQUIRE(r.exit_code == 65);
  write_text(dir / "rows.csv", "x1,x2,city\n1,2,north\n1,two,north\n");
  r = run("predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "out.csv"},
          dir.path());
  REQUIRE(r.err == "predict: rows.csv:3: column \"x2\": expected a number, got \"two\"\n");
  REQUIRE(r.exit_code == 65);
  REQUIRE_FALSE(std::filesystem::exists(dir / "out.csv"));
}

TEST_CASE("predict needs a model, one input and an output", "[predict][e2e]") {
  TempDir dir;
  auto r = run("predict", {"--input", "rows.csv", "--output", "out.csv"}, dir.path());
  REQUIRE(r.err == "predict: missing --model FILE (the model document; see predict --help)\n");
  REQUIRE(r.exit_code == 64);
  r = run("predict", {"--model", "m.pkl", "--input", "rows.csv", "--output", "out.csv"},
          dir.path());
  REQUIRE(r.err == "predict: cannot open m.pkl: No such file or directory\n");
  REQUIRE(r.exit_code == 66);
}
