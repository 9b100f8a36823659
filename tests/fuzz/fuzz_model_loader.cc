// libFuzzer target: the model document loader (trained.pkl bytes → common::parse_json →
// tasks::model_from_json), as train, predict, report, save and serve read it. Properties
// checked beyond "no crash": every rejection is a common::DataError (exit 65, never an
// internal error); a document that loads writes back (model_document) to a document that
// loads to the same model and is then a fixed point; and the loaded model predicts a row
// without throwing anything but a DataError.
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json_util.h"
#include "tasks/model/model.h"
#include "tasks/model/predict.h"

namespace {

// Equal as values: NaN equals NaN (undefined metrics), and -0 equals 0 (Boost.JSON reads
// the text -0 as the integer 0, docs/NOTES.md).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

bool same_split(const tasks::SplitMetrics& a, const tasks::SplitMetrics& b) {
  return a.rows == b.rows && same(a.rmse, b.rmse) && same(a.mae, b.mae) && same(a.r2, b.r2);
}

bool same_model(const tasks::Model& a, const tasks::Model& b) {
  if (a.kind != b.kind || a.target != b.target || a.features.size() != b.features.size() ||
      !same(a.intercept, b.intercept)) {
    return false;
  }
  for (std::size_t i = 0; i < a.features.size(); ++i) {
    const tasks::Feature& f = a.features[i];
    const tasks::Feature& g = b.features[i];
    if (f.name != g.name || f.type != g.type || !same(f.mean, g.mean) || !same(f.scale, g.scale) ||
        !same(f.coefficient, g.coefficient) || f.categories != g.categories ||
        f.category_coefficients.size() != g.category_coefficients.size()) {
      return false;
    }
    for (std::size_t c = 0; c < f.category_coefficients.size(); ++c) {
      if (!same(f.category_coefficients[c], g.category_coefficients[c])) return false;
    }
  }
  const tasks::Hyperparameters& h = a.hyperparameters;
  const tasks::Hyperparameters& k = b.hyperparameters;
  const tasks::TrainingData& d = a.training_data;
  const tasks::TrainingData& e = b.training_data;
  return same(h.alpha, k.alpha) && h.seed == k.seed && same(h.test_fraction, k.test_fraction) &&
         same_split(a.metrics.test, b.metrics.test) &&
         same_split(a.metrics.train, b.metrics.train) &&
         same(a.metrics.baseline_test_rmse, b.metrics.baseline_test_rmse) && d.sha256 == e.sha256 &&
         d.rows == e.rows && d.columns == e.columns && same(d.target_mean, e.target_mean);
}

tasks::Model reload(const std::string& document) {
  return tasks::model_from_json(common::parse_json(document, "again.pkl"), "again.pkl");
}

// A row giving every feature a plausible value: 1.5 for numeric ones, the first known
// category (or an unseen one) for categorical ones.
void predict_one_row(const tasks::Model& model) {
  boost::json::object row;
  for (const tasks::Feature& f : model.features) {
    if (f.type == tasks::FeatureType::kNumeric) {
      row[f.name] = 1.5;
    } else {
      row[f.name] = f.categories.empty() ? std::string("unseen") : f.categories.front();
    }
  }
  try {
    (void)tasks::predict_json(model, row, "row 0");
  } catch (const common::DataError&) {
    // A feature name repeated under a JSON key collision, for instance: a clear error.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tasks::Model model;
  try {
    model = tasks::model_from_json(common::parse_json(text, "trained.pkl"), "trained.pkl");
  } catch (const common::DataError&) {
    return 0;  // rejected with a message: the documented outcome (exit 65)
  }
  // Anything else thrown above escapes and aborts: libFuzzer reports it.
  std::string first = tasks::model_document(model);
  tasks::Model again = reload(first);
  if (!same_model(model, again)) std::abort();
  std::string second = tasks::model_document(again);
  if (tasks::model_document(reload(second)) != second) std::abort();
  predict_one_row(model);
  return 0;
}
