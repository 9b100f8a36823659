#pragma once

#include "tasks/model/model.h"

namespace report_fixture {

// y = 1 + 2 * (x - 2) / 1 + {a: 0, b: 10}[g], trained on every row of `data()` but the
// test rows of seed 5, fraction 0.5.
inline tasks::Model model() {
  tasks::Model m;
  m.target = "y";
  tasks::Feature x;
  x.name = "x";
  x.mean = 2;
  x.scale = 1;
  x.coefficient = 2;
  tasks::Feature g;
  g.name = "g";
  g.type = tasks::FeatureType::kCategorical;
  g.categories = {"a", "b"};
  g.category_coefficients = {0, 10};
  m.features = {x, g};
  m.intercept = 1;
  m.hyperparameters = {1.0, 5, 0.5};  // test rows: 0, 2, 5, 6
  m.training_data = {"0000", 8, {"x", "g", "y", "note"}, 4};
  return m;
}

// Eight rows: x = 0..7, g alternating a/b, y = prediction + 1 except row 5 (category c).
inline std::string data() {
  return "x,g,y,note\n"
         "0,a,-2,n0\n"
         "1,b,10,n1\n"
         "2,a,2,n2\n"
         "3,b,14,n3\n"
         "4,a,6,n4\n"
         "5,c,8,n5\n"
         "6,a,10,n6\n"
         "7,b,22,n7\n";
}

}  // namespace report_fixture
