// train against an independent implementation of the same specification: numpy's closed
// form (tests/oracle/ridge_numpy.py), on data other than the reference set and with other
// hyperparameters. Skips with a visible message where numpy is not installed.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/support/test_util.h"

namespace json = boost::json;
using test_util::run_process;
using test_util::TempDir;

namespace {

bool numpy_available() {
  TempDir dir;
  return run_process({"/usr/bin/python3", "-c", "import numpy"}, dir.path()).exit_code == 0;
}

double at(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* p = &v;
  for (const char* key : path) p = &p->as_object().at(key);
  return p->to_number<double>();
}

void compare(const TempDir& dir, const std::string& data, const std::vector<std::string>& params) {
  std::vector<std::string> argv{test_util::bin("train").string(),
                                "--input",
                                data,
                                "--output",
                                "model.json",
                                "--target",
                                "median_house_value"};
  const char* names[] = {"--alpha", "--seed", "--test-fraction"};
  for (std::size_t i = 0; i < params.size(); ++i) argv.insert(argv.end(), {names[i], params[i]});
  auto trained = run_process(argv, dir.path());
  REQUIRE(trained.exit_code == 0);
  std::vector<std::string> oracle_argv{"/usr/bin/python3",
                                       test_util::source("tests/oracle/ridge_numpy.py").string(),
                                       data, "median_house_value"};
  oracle_argv.insert(oracle_argv.end(), params.begin(), params.end());
  auto oracle = run_process(oracle_argv, dir.path());
  REQUIRE(oracle.exit_code == 0);
  json::value expected = json::parse(oracle.out);
  json::value model = json::parse(test_util::read_text(dir / "model.json"));
  auto close = [](double a, double b) {
    return std::fabs(a - b) <= 1e-6 * std::max(1.0, std::fabs(b));
  };
  for (const char* split : {"test", "train"}) {
    for (const char* m : {"rmse", "mae", "r2"}) {
      INFO(data << " " << split << " " << m);
      CHECK(close(at(model, {"metrics", split, m}), at(expected, {split, m})));
    }
    CHECK(at(model, {"metrics", split, "rows"}) == at(expected, {split, "rows"}));
  }
  CHECK(close(at(model, {"metrics", "baseline_test_rmse"}), at(expected, {"baseline_test_rmse"})));
  CHECK(close(at(model, {"intercept"}), at(expected, {"intercept"})));
}

}  // namespace

TEST_CASE("train agrees with numpy's closed form on other data and parameters", "[train][oracle]") {
  if (!numpy_available()) {
    WARN("SKIPPED: /usr/bin/python3 with numpy not found (scripts/setup installs python3-numpy)");
    return;
  }
  TempDir dir;
  for (const auto& [rows, seed] : {std::pair{"5000", "3"}, std::pair{"20000", "7"}}) {
    auto gen = run_process({test_util::bin("gen_housing").string(), "--rows", rows, "--seed", seed,
                            "--output", "raw.csv"},
                           dir.path());
    REQUIRE(gen.exit_code == 0);
    REQUIRE(run_process(
                {test_util::bin("clean").string(), "--input", "raw.csv", "--output", "clean.csv"},
                dir.path())
                .exit_code == 0);
    compare(dir, "clean.csv", {});
    compare(dir, "clean.csv", {"0.01", "1", "0.3"});
    compare(dir, "clean.csv", {"250", "123456789", "0.5"});
  }
}
