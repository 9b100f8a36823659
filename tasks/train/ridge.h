#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "tasks/model/model.h"
#include "tasks/train/data_scan.h"

namespace tasks {

// A solution of (gram + alpha * I) w = rhs.
struct RidgeSolution {
  Eigen::VectorXd weights;  // one per design column
  std::string solver;       // "ldlt" or "complete_orthogonal_decomposition"
  Eigen::Index rank = 0;    // numerical rank of the matrix solved (its size for LDLT)
};

// alpha > 0: the matrix is positive definite and LDLT solves it (falling back to the
// rank-revealing solver should LDLT report a numerical problem). alpha = 0: with every
// category one-hot encoded beside an intercept the system is singular, so a complete
// orthogonal decomposition gives the minimum-norm least-squares solution; directions
// whose pivot is below 1e-10 of the largest (those the data cannot identify) get no
// weight. Precondition: gram is symmetric positive semi-definite, alpha >= 0.
RidgeSolution solve_ridge(const Eigen::MatrixXd& gram, const Eigen::VectorXd& rhs, double alpha);

// The fitted encodings and weights.
struct RidgeFit {
  std::vector<Feature> features;  // in file order, with means, scales, categories, coefficients
  double intercept = 0;           // unpenalised
  double target_mean = 0;         // over the training rows
  std::string solver;             // as in RidgeSolution
  Eigen::Index rank = 0;
  std::size_t width = 0;  // design columns
};

// Minimises ||y - Xw - b||^2 + alpha ||w||^2 over the training rows summarised by `scan`,
// where X holds the standardized numeric features and the one-hot categories: centers X
// and y by their training means (one-hot columns included), solves for w, and sets
// b = mean(y) - mean(X) w. Precondition: scan.rows_train > 0.
RidgeFit fit_ridge(const DataScan& scan, double alpha);

}  // namespace tasks
