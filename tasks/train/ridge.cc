#include "tasks/train/ridge.h"

#include <cmath>

namespace tasks {

RidgeSolution solve_ridge(const Eigen::MatrixXd& gram, const Eigen::VectorXd& rhs, double alpha) {
  RidgeSolution solution;
  if (gram.rows() == 0) {
    solution.weights = Eigen::VectorXd(0);
    solution.solver = "none";
    return solution;
  }
  Eigen::MatrixXd a = gram;
  a.diagonal().array() += alpha;
  if (alpha > 0) {
    Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
    if (ldlt.info() == Eigen::Success) {
      Eigen::VectorXd w = ldlt.solve(rhs);
      if (w.allFinite()) {
        solution.weights = std::move(w);
        solution.solver = "ldlt";
        solution.rank = a.rows();
        return solution;
      }
    }
  }
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod;
  cod.setThreshold(1e-10);
  cod.compute(a);
  solution.weights = cod.solve(rhs);
  solution.solver = "complete_orthogonal_decomposition";
  solution.rank = cod.rank();
  return solution;
}

namespace {

// Where a design column's values come from.
struct DesignColumn {
  bool one_hot = false;
  std::size_t k = 0;  // numeric: index in the numeric block
  std::size_t a = 0;  // one-hot: categorical feature
  std::size_t c = 0;  // one-hot: category
};

}  // namespace

RidgeFit fit_ridge(const DataScan& scan, double alpha) {
  const double n = static_cast<double>(scan.rows_train);
  const std::size_t q = scan.numeric_width();
  const std::size_t t = q - 1;  // the target's entry in the numeric block
  auto comoment = [&](std::size_t j, std::size_t k) {
    return scan.cross[j * q + k] - scan.sums[j] * scan.sums[k] / n;
  };

  RidgeFit fit;
  std::vector<double> scale(q, 1.0);  // in units of scan.unit
  std::vector<char> constant(q, 0);   // no spread: scale 1 whatever the unit
  for (std::size_t k = 0; k < q; ++k) {
    double variance = std::max(comoment(k, k), 0.0) / n;
    double sd = std::sqrt(variance);
    constant[k] = !(sd > 0);
    scale[k] = sd > 0 ? sd : 1.0;
  }
  // Sums are in units of scan.unit (data_scan.h): standardized figures do not depend on
  // it; means, scales and the target's weights are multiplied back.
  fit.target_mean = scan.shift[t] + scan.unit[t] * (scan.sums[t] / n);

  // Design columns in file order.
  std::vector<DesignColumn> design;
  std::size_t next_numeric = 0;
  std::size_t next_categorical = 0;
  for (std::size_t col = 0; col < scan.columns.size(); ++col) {
    if (col == scan.target) continue;
    Feature f;
    f.name = scan.columns[col];
    f.type = scan.types[col];
    if (f.type == FeatureType::kNumeric) {
      std::size_t k = next_numeric++;
      f.mean = scan.shift[k] + scan.unit[k] * (scan.sums[k] / n);
      f.scale = constant[k] ? 1.0 : scan.unit[k] * scale[k];
      design.push_back({false, k, 0, 0});
    } else {
      std::size_t a = next_categorical++;
      for (std::size_t c = 0; c < scan.categories[a].size(); ++c) {
        f.categories.push_back(scan.categories[a][c].value);
        design.push_back({true, 0, a, c});
      }
    }
    fit.features.push_back(std::move(f));
  }

  // Centered Gram matrix of the encoded columns and their centered products with y.
  const std::size_t width = design.size();
  auto count = [&](const DesignColumn& d) {
    return static_cast<double>(scan.categories[d.a][d.c].count);
  };
  auto category_sum = [&](const DesignColumn& d, std::size_t k) {
    return scan.categories[d.a][d.c].sums[k];
  };
  auto entry = [&](const DesignColumn& x, const DesignColumn& y) -> double {
    if (!x.one_hot && !y.one_hot) return comoment(x.k, y.k) / (scale[x.k] * scale[y.k]);
    if (!x.one_hot) return (category_sum(y, x.k) - count(y) * scan.sums[x.k] / n) / scale[x.k];
    if (!y.one_hot) return (category_sum(x, y.k) - count(x) * scan.sums[y.k] / n) / scale[y.k];
    double both = 0;
    if (x.a == y.a) {
      both = x.c == y.c ? count(x) : 0.0;
    } else {
      const DesignColumn& lo = x.a < y.a ? x : y;
      const DesignColumn& hi = x.a < y.a ? y : x;
      auto pair = scan.pairs.find(DataScan::pair_key(lo.a, hi.a));
      if (pair != scan.pairs.end()) {
        auto hit = pair->second.find((std::uint64_t{lo.c} << 32) | hi.c);
        if (hit != pair->second.end()) both = static_cast<double>(hit->second);
      }
    }
    return both - count(x) * count(y) / n;
  };
  Eigen::MatrixXd gram(width, width);
  Eigen::VectorXd rhs(width);
  for (std::size_t i = 0; i < width; ++i) {
    for (std::size_t j = i; j < width; ++j) {
      double v = entry(design[i], design[j]);
      gram(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
      gram(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = v;
    }
    const DesignColumn& d = design[i];
    rhs(static_cast<Eigen::Index>(i)) = d.one_hot ? category_sum(d, t) - count(d) * scan.sums[t] / n
                                                  : comoment(d.k, t) / scale[d.k];
  }

  RidgeSolution solution = solve_ridge(gram, rhs, alpha);
  fit.solver = solution.solver;
  fit.rank = solution.rank;
  fit.width = width;

  // Standardized numeric columns have mean 0; a one-hot column's mean is its share.
  fit.intercept = fit.target_mean;
  const double target_unit = scan.unit[t];  // the weights solve for y in these units
  std::size_t i = 0;
  for (Feature& f : fit.features) {
    if (f.type == FeatureType::kNumeric) {
      f.coefficient = target_unit * solution.weights(static_cast<Eigen::Index>(i++));
      continue;
    }
    for (std::size_t c = 0; c < f.categories.size(); ++c, ++i) {
      double w = target_unit * solution.weights(static_cast<Eigen::Index>(i));
      f.category_coefficients.push_back(w);
      fit.intercept -= w * count(design[i]) / n;
    }
  }
  return fit;
}

}  // namespace tasks
