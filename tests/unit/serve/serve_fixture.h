#pragma once

#include <memory>
#include <string>

#include "serve/served_model.h"
#include "tasks/model/model.h"

namespace serve_fixture {

// y = 10 + 2 * (x - 1) / 0.5 + {a: 1, b: -1}[color]
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
  m.metrics.test = {2, 1.5, 1.25, 0.75};
  m.metrics.train = {6, 1, 0.5, 0.875};
  m.metrics.baseline_test_rmse = 3;
  m.training_data = {"ab12", 8, {"x", "y", "color"}, 9.5};
  return m;
}

inline std::shared_ptr<const serve::ServedModel> served(const std::string& sha = "f00d") {
  auto s = std::make_shared<serve::ServedModel>();
  s->model = small_model();
  s->sha256 = sha;
  s->path = "model.json";
  s->metadata = serve::model_metadata(s->model, sha);
  return s;
}

}  // namespace serve_fixture
