// train as a program: the reference figures, byte-identical re-runs, logs and metrics,
// and every bad input with its exit code and message.
#include <catch2/catch.hpp>

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

TEST_CASE("train reproduces the reference figures on the housing data", "[train][e2e]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  train_e2e::write_clean_housing(housing, dir / "clean.csv");
  auto r =
      run("train",
          {"--input", "clean.csv", "--output", "trained.pkl", "--target", "median_house_value"},
          dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json::object model = read_json(dir / "trained.pkl");
  const json::object& test = model["metrics"].as_object()["test"].as_object();
  const json::object& train = model["metrics"].as_object()["train"].as_object();
  REQUIRE(test.at("rows").as_int64() == 4113);
  REQUIRE(close(number(test.at("rmse")), 67710.94752211584, 1e-6));
  REQUIRE(close(number(test.at("mae")), 49449.45683493937, 1e-6));
  REQUIRE(close(number(test.at("r2")), 0.6559165515900454, 1e-6));
  REQUIRE(train.at("rows").as_int64() == 16320);
  REQUIRE(close(number(train.at("rmse")), 68879.6261313178, 1e-6));
  REQUIRE(close(number(train.at("mae")), 49841.64788252571, 1e-6));
  REQUIRE(close(number(train.at("r2")), 0.6439157554722512, 1e-6));
  REQUIRE(
      close(number(model["metrics"].as_object()["baseline_test_rmse"]), 115452.78993305613, 1e-6));
  REQUIRE(close(number(model["intercept"]), 235631.04197605193, 1e-6));
  REQUIRE(model["coefficients"].as_array().size() == 13);
  REQUIRE(model["training_data"].as_object()["rows"].as_int64() == 20433);
  REQUIRE(r.err.rfind("train: trained on 16320 rows; test RMSE 67710.94", 0) == 0);
}

TEST_CASE("least squares (alpha 0) fits the training rows at least as well as ridge",
          "[train][e2e]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  train_e2e::write_clean_housing(housing, dir / "clean.csv");
  std::vector<std::string> args = {"--input", "clean.csv", "--target", "median_house_value"};
  auto with = [&](const char* alpha, const char* output) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--alpha", alpha, "--output", output});
    REQUIRE(run("train", a, dir.path()).exit_code == 0);
    return read_json(dir / output)["metrics"].as_object()["train"].as_object();
  };
  json::object ols = with("0", "ols.pkl");
  json::object ridge = with("1", "ridge.pkl");
  REQUIRE(number(ols["rmse"]) <= number(ridge["rmse"]));
  REQUIRE(number(ols["rmse"]) > 0.99 * number(ridge["rmse"]));
}

TEST_CASE("training twice gives byte-identical models", "[train][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", train_e2e::small_table());
  std::vector<std::string> args = {"--input", "clean.csv", "--target", "y",
                                   "--seed",  "7",         "--alpha",  "0.5"};
  auto first = args, second = args;
  first.insert(first.end(), {"--output", "a.pkl", "--run-id", "one"});
  second.insert(second.end(), {"--output", "b.pkl", "--run-id", "two"});
  REQUIRE(run("train", first, dir.path()).exit_code == 0);
  REQUIRE(run("train", second, dir.path()).exit_code == 0);
  REQUIRE(read_text(dir / "a.pkl") == read_text(dir / "b.pkl"));
  json::object model = read_json(dir / "a.pkl");
  REQUIRE(model["hyperparameters"].as_object()["seed"].as_int64() == 7);
  REQUIRE(number(model["hyperparameters"].as_object()["alpha"]) == 0.5);
}

TEST_CASE("train logs its hyperparameters and metrics and appends a metrics row", "[train][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", train_e2e::small_table());
  auto r =
      run("train",
          {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--run-id", "r1"},
          dir.path());
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> log = read_lines(dir / "logs/train.log");
  std::vector<std::string> events;
  json::object end;
  for (const std::string& line : log) {
    json::object record = common::parse_json(line, "train.log").as_object();
    events.push_back(std::string(record["event"].as_string()));
    if (record["event"] == "hyperparameters") {
      REQUIRE(record["metrics"].as_object()["seed"].as_int64() == 42);
      REQUIRE(number(record["metrics"].as_object()["alpha"]) == 1);
    }
    if (record["event"] == "end") end = record;
  }
  REQUIRE(events == std::vector<std::string>{"start", "hyperparameters", "schema", "solve", "end"});
  REQUIRE(end["status"] == "ok");
  const json::object& metrics = end["metrics"].as_object();
  for (const char* key : {"alpha", "seed", "test_fraction", "rmse_test", "mae_test", "r2_test",
                          "rmse_train", "rmse_baseline_test", "rows_train", "rows_test"}) {
    INFO(key);
    REQUIRE(metrics.contains(key));
  }
  std::vector<std::string> csv = read_lines(dir / "metrics/train.csv");
  REQUIRE(csv.size() == 2);
  REQUIRE(csv[0] ==
          "run_id,ts,task,rows,rows_train,rows_test,alpha,seed,test_fraction,rmse_test,mae_test,r2_"
          "test,"
          "rmse_train,"
          "mae_train,r2_train,rmse_baseline_test");
  REQUIRE(csv[1].rfind("r1,", 0) == 0);
  REQUIRE(read_json(dir / "runs/r1/manifest.json")["tasks"]
              .as_object()["train"]
              .as_object()["status"] == "ok");
}

TEST_CASE("a table of categorical features only trains a one-hot model", "[train][e2e]") {
  TempDir dir;
  std::string table = "city,kind,y\n";
  for (int i = 0; i < 40; ++i)
    table += std::string(i % 2 ? "a" : "b") + "," + (i % 3 ? "x" : "y") + "," +
             std::to_string(i % 2 * 10 + i % 3) + "\n";
  write_text(dir / "clean.csv", table);
  auto r = run("train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"},
               dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json::object model = read_json(dir / "trained.pkl");
  REQUIRE(model["coefficients"].as_array().size() == 4);
  for (const json::value& f : model["features"].as_array())
    REQUIRE(f.as_object().at("type") == "categorical");
}

namespace {

struct BadCase {
  const char* name;
  const char* table;              // clean.csv content (nullptr: no file)
  std::vector<std::string> args;  // after --input clean.csv --output trained.pkl
  int exit_code;
  const char* message;  // the whole of stderr
};

}  // namespace

TEST_CASE(
    "bad inputs and parameters fail with their exit code and message and keep the previous model",
    "[train][e2e]") {
  const char* table = "x,city,y\n1,a,2\n2,b,3\n3,a,5\n";
  std::vector<BadCase> cases = {
      {"missing target",
       table,
       {"--target", "price"},
       65,
       "train: clean.csv: no column \"price\" (--target); columns: x, city, y\n"},
      {"target not numeric",
       table,
       {"--target", "city"},
       65,
       "train: clean.csv:2: column \"city\" (--target): expected a number, got \"a\"\n"},
      {"test fraction 1.5",
       table,
       {"--target", "y", "--test-fraction", "1.5"},
       64,
       "train: invalid --test-fraction 1.5: expected a number in [0, 1)\n"},
      {"negative alpha",
       table,
       {"--target", "y", "--alpha", "-1"},
       64,
       "train: invalid --alpha -1: expected a number >= 0\n"},
      {"bad seed",
       table,
       {"--target", "y", "--seed", "-3"},
       64,
       "train: invalid --seed -3: expected an integer in [0, 18446744073709551615]\n"},
      {"no target flag",
       table,
       {},
       64,
       "train: missing --target NAME (the numeric column to predict; see train --help)\n"},
      {"unknown option",
       table,
       {"--target", "y", "--alpah", "3"},
       64,
       "train: unrecognised option '--alpah' (see train --help)\n"},
      {"empty file",
       "",
       {"--target", "y"},
       65,
       "train: clean.csv: empty file: expected a header row\n"},
      {"header only",
       "x,city,y\n",
       {"--target", "y"},
       65,
       "train: clean.csv: no data rows (header only)\n"},
      {"null value",
       "x,city,y\n1,a,2\n,b,3\n",
       {"--target", "y"},
       65,
       "train: clean.csv:3: column \"x\": missing value \"\" (train expects cleaned data; run "
       "clean first)\n"},
      {"ragged row",
       "x,city,y\n1,a,2\n2,b\n",
       {"--target", "y"},
       65,
       "train: clean.csv:3: expected 3 fields, found 2\n"},
      {"duplicate column",
       "x,x,y\n1,2,3\n",
       {"--target", "y"},
       65,
       "train: clean.csv:1: duplicate column name \"x\" (columns 1 and 2)\n"},
      {"no training rows",
       "x,y\n1,2\n",
       {"--target", "y", "--test-fraction", "0.9"},
       65,
       "train: clean.csv: no training rows: all 1 data rows fall in the test split "
       "(--test-fraction 0.9, --seed 42); "
       "use a smaller --test-fraction or more data\n"},
      {"missing input",
       nullptr,
       {"--target", "y"},
       66,
       "train: cannot open clean.csv: No such file or directory\n"},
  };
  for (const BadCase& c : cases) {
    SECTION(c.name) {
      TempDir dir;
      if (c.table != nullptr) write_text(dir / "clean.csv", c.table);
      write_text(dir / "trained.pkl", "previous\n");
      std::vector<std::string> args = {"--input", "clean.csv", "--output", "trained.pkl"};
      args.insert(args.end(), c.args.begin(), c.args.end());
      auto r = run("train", args, dir.path());
      REQUIRE(r.err == c.message);
      REQUIRE(r.exit_code == c.exit_code);
      REQUIRE(read_text(dir / "trained.pkl") == "previous\n");
    }
  }
}

TEST_CASE("a failed run is logged and recorded as failed", "[train][e2e]") {
  TempDir dir;
  write_text(dir / "clean.csv", "x,y\n1,2\n");
  auto r =
      run("train",
          {"--input", "clean.csv", "--output", "trained.pkl", "--target", "z", "--run-id", "bad"},
          dir.path());
  REQUIRE(r.exit_code == 65);
  std::vector<std::string> log = read_lines(dir / "logs/train.log");
  json::object end = common::parse_json(log.back(), "train.log").as_object();
  REQUIRE(end["event"] == "end");
  REQUIRE(end["status"] == "failed");
  REQUIRE(read_json(dir / "runs/bad/manifest.json")["tasks"]
              .as_object()["train"]
              .as_object()["exit_code"] == 65);
  REQUIRE_FALSE(std::filesystem::exists(dir / "trained.pkl"));
}
