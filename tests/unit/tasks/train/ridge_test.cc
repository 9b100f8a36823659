#include "tasks/train/ridge.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

#include "tasks/model/predict.h"
#include "tasks/model/split.h"
#include "tests/support/test_util.h"

using tasks::DataScan;
using tasks::RidgeFit;

namespace {

constexpr std::uint64_t kSeed = 7;
constexpr double kFraction = 0.25;

struct Row {
  double big;  // values near 1e6: tests the shifted sums
  double small;
  std::string color;  // three categories
  std::string size;   // two categories, correlated with color
  double y;
};

std::vector<Row> make_rows(int n) {
  std::vector<Row> rows;
  std::uint64_t state = 1;
  auto uniform = [&] {
    return static_cast<double>(tasks::splitmix64(state++) >> 11) / 9007199254740992.0;
  };
  const char* colors[] = {"red", "green", "blue"};
  for (int i = 0; i < n; ++i) {
    Row r;
    r.big = 1e6 + 10 * uniform();
    r.small = uniform() - 0.5;
    r.color = colors[static_cast<int>(uniform() * 3)];
    r.size = (r.color == "red" && uniform() < 0.8) || uniform() < 0.3 ? "L" : "S";
    r.y = 3 * (r.big - 1e6) - 20 * r.small + (r.color == "red" ? 5 : 0) + (r.size == "L" ? -2 : 0) +
          10 * uniform();
    rows.push_back(r);
  }
  return rows;
}

std::string csv(const std::vector<Row>& rows) {
  std::string out = "big,color,small,y,size\n";
  char line[200];
  for (const Row& r : rows) {
    std::snprintf(line, sizeof line, "%.17g,%s,%.17g,%.17g,%s\n", r.big, r.color.c_str(), r.small,
                  r.y, r.size.c_str());
    out += line;
  }
  return out;
}

// An independent reference: the dense design [Z 1] of the training rows with the
// penalty diag(alpha, ..., alpha, 0), solved directly. Returns (w..., b).
Eigen::VectorXd dense_ridge(const std::vector<Row>& rows, double alpha) {
  std::vector<const Row*> train;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!tasks::is_test_row(kSeed, i, kFraction)) train.push_back(&rows[i]);
  }
  const double n = static_cast<double>(train.size());
  auto mean_std = [&](double Row::*field) {
    double m = 0, v = 0;
    for (const Row* r : train) m += r->*field;
    m /= n;
    for (const Row* r : train) v += (r->*field - m) * (r->*field - m);
    return std::pair<double, double>{m, std::sqrt(v / n)};
  };
  auto [big_mean, big_sd] = mean_std(&Row::big);
  auto [small_mean, small_sd] = mean_std(&Row::small);
  std::vector<std::string> colors = {"blue", "green", "red"};
  std::vector<std::string> sizes = {"L", "S"};
  // Design order = file order: big, color=*, small, size=*.
  Eigen::MatrixXd a(static_cast<Eigen::Index>(train.size()), 8);
  Eigen::VectorXd y(static_cast<Eigen::Index>(train.size()));
  for (std::size_t i = 0; i < train.size(); ++i) {
    const Row& r = *train[i];
    Eigen::Index k = static_cast<Eigen::Index>(i);
    a(k, 0) = (r.big - big_mean) / big_sd;
    for (int c = 0; c < 3; ++c)
      a(k, 1 + c) = r.color == colors[static_cast<std::size_t>(c)] ? 1 : 0;
    a(k, 4) = (r.small - small_mean) / small_sd;
    for (int s = 0; s < 2; ++s) a(k, 5 + s) = r.size == sizes[static_cast<std::size_t>(s)] ? 1 : 0;
    a(k, 7) = 1;
    y(k) = r.y;
  }
  Eigen::MatrixXd normal = a.transpose() * a;
  for (int j = 0; j < 7; ++j) normal(j, j) += alpha;
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(normal);
  Eigen::VectorXd beta = cod.solve(a.transpose() * y);
  return beta;
}

RidgeFit fit(const std::vector<Row>& rows, double alpha, test_util::TempDir& dir) {
  test_util::write_text(dir / "data.csv", csv(rows));
  DataScan scan = tasks::scan_data(dir / "data.csv", "y", kSeed, kFraction);
  return tasks::fit_ridge(scan, alpha);
}

std::vector<double> weights(const RidgeFit& fit) {
  std::vector<double> w;
  for (const tasks::Feature& f : fit.features) {
    if (f.type == tasks::FeatureType::kNumeric) w.push_back(f.coefficient);
    for (double c : f.category_coefficients) w.push_back(c);
  }
  return w;
}

}  // namespace

TEST_CASE("ridge from streamed statistics matches the dense normal equations", "[ridge]") {
  std::vector<Row> rows = make_rows(400);
  test_util::TempDir dir;
  RidgeFit got = fit(rows, 0.5, dir);
  Eigen::VectorXd want = dense_ridge(rows, 0.5);
  REQUIRE(got.solver == "ldlt");
  REQUIRE(got.width == 7);
  std::vector<double> w = weights(got);
  for (std::size_t j = 0; j < 7; ++j)
    REQUIRE(w[j] == Approx(want(static_cast<Eigen::Index>(j))).epsilon(1e-9));
  REQUIRE(got.intercept == Approx(want(7)).epsilon(1e-9));
  REQUIRE(got.features[0].mean == Approx(1e6 + 5).epsilon(1e-5));
}

TEST_CASE("alpha 0 gives the least-squares fit although one-hot columns make it singular",
          "[ridge]") {
  std::vector<Row> rows = make_rows(300);
  test_util::TempDir dir;
  RidgeFit got = fit(rows, 0.0, dir);
  REQUIRE(got.solver == "complete_orthogonal_decomposition");
  REQUIRE(got.rank == 5);  // 7 columns, one redundant per categorical feature
  Eigen::VectorXd want = dense_ridge(rows, 0.0);
  tasks::Model model;
  model.features = got.features;
  model.intercept = got.intercept;
  // Same fitted values as the dense least squares (the weights themselves are not unique).
  auto [big_mean, small_mean] = std::pair{got.features[0].mean, got.features[2].mean};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    char b[40], s[40];
    std::snprintf(b, sizeof b, "%.17g", r.big);
    std::snprintf(s, sizeof s, "%.17g", r.small);
    std::vector<std::string_view> fields = {b, r.color, s, "", r.size};
    double fitted = tasks::predict_fields(model, {0, 1, 2, 4}, fields, "row", 1);
    // Reference: the dense coefficients applied to the same encoding.
    double z_big = (r.big - big_mean) / got.features[0].scale;
    double z_small = (r.small - small_mean) / got.features[2].scale;
    int color = r.color == "blue" ? 0 : r.color == "green" ? 1 : 2;
    int size = r.size == "L" ? 0 : 1;
    double reference =
        want(0) * z_big + want(1 + color) + want(4) * z_small + want(5 + size) + want(7);
    REQUIRE(fitted == Approx(reference).epsilon(1e-8));
  }
}

TEST_CASE("a constant numeric column gets scale 1 and no weight", "[ridge]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "data.csv", "k,x,y\n5,1,2\n5,2,4\n5,3,6.5\n5,4,8\n");
  DataScan scan = tasks::scan_data(dir / "data.csv", "y", 42, 0.0);
  RidgeFit got = tasks::fit_ridge(scan, 1.0);
  REQUIRE(got.features[0].scale == 1);
  REQUIRE(got.features[0].mean == 5);
  REQUIRE(got.features[0].coefficient == 0);
  REQUIRE(got.intercept == Approx(5.125));
}

TEST_CASE("a table with no feature predicts the training mean", "[ridge]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "data.csv", "y\n1\n2\n6\n");
  DataScan scan = tasks::scan_data(dir / "data.csv", "y", 42, 0.0);
  RidgeFit got = tasks::fit_ridge(scan, 1.0);
  REQUIRE(got.features.empty());
  REQUIRE(got.intercept == 3);
}

TEST_CASE("the ridge solver shrinks towards zero as alpha grows", "[ridge]") {
  Eigen::MatrixXd gram(2, 2);
  gram << 4, 0, 0, 1;
  Eigen::VectorXd rhs(2);
  rhs << 8, 3;
  tasks::RidgeSolution s = tasks::solve_ridge(gram, rhs, 0);
  REQUIRE(s.weights(0) == Approx(2));
  REQUIRE(s.weights(1) == Approx(3));
  s = tasks::solve_ridge(gram, rhs, 4);
  REQUIRE(s.weights(0) == Approx(1));
  REQUIRE(s.weights(1) == Approx(0.6));
  REQUIRE(s.solver == "ldlt");
}
