#pragma once

#include "tasks/model/model.h"

namespace test_util {

// A small model with a numeric and a categorical feature, shared by the model, serve and
// fuzz tests: y = 10 + 2 * (x - 1) / 0.5 + {a: 1, b: -1}[color].
inline tasks::Model small_model() {
  tasks::Model m;
  m.target = "y";
  tasks::Feature x;
  x.name = "x";
  x.mean = 1;
  x.scale = 0.5;
  x.coefficient = 2;
  tasks::Feature color;
  color.name = "color";
  color.type = tasks::FeatureType::kCategorical;
  color.categories = {"a", "b"};
  color.category_coefficients = {1, -1};
  m.features = {x, color};
  m.intercept = 10;
  m.hyperparameters = {0.5, 7, 0.25};
  m.metrics.test = {2, 1.5, 1.25, 0.75};
  m.metrics.train = {6, 1, 0.5, 0.875};
  m.metrics.baseline_test_rmse = 3;
  m.training_data = {"ab12", 8, {"x", "y", "color"}, 9.5};
  return m;
}

}  // namespace test_util
