// libFuzzer target: the body parser of POST /predict (serve::predict_body), JSON or CSV
// chosen by the first byte, against a small model with numeric and categorical features;
// the Content-Type parser (serve::body_format) gets the first line. Properties checked
// beyond "no crash": every rejection is a DataError (the service's 400, never a 500);
// an accepted body gives only finite predictions, at most one per input byte.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/error.h"
#include "serve/predict_body.h"
#include "tasks/model/model.h"

namespace {

tasks::Model make_model() {
  tasks::Model model;
  model.target = "y";
  tasks::Feature x1;
  x1.name = "x1";
  x1.mean = 2;
  x1.scale = 3;
  x1.coefficient = 1.5;
  tasks::Feature city;
  city.name = "city";
  city.type = tasks::FeatureType::kCategorical;
  city.categories = {"a", "b", "c d"};
  city.category_coefficients = {-1, 0.5, 2};
  tasks::Feature x2;
  x2.name = "x2";
  x2.mean = -1;
  x2.scale = 0.5;
  x2.coefficient = -0.25;
  model.features = {x1, city, x2};
  model.intercept = 10;
  model.training_data.columns = {"x1", "city", "x2", "y"};
  return model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tasks::Model model = make_model();
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)serve::body_format(text.substr(0, text.find('\n')));
  serve::BodyFormat format = data[0] % 2 == 0 ? serve::BodyFormat::kJson : serve::BodyFormat::kCsv;
  try {
    std::vector<double> predictions = serve::predict_body(model, format, text);
    if (predictions.size() > text.size()) std::abort();
    for (double p : predictions) {
      if (!std::isfinite(p)) std::abort();
    }
  } catch (const common::DataError&) {
    // A 400 with a message naming the place: the documented outcome.
  }
  // Any other exception escapes and aborts: libFuzzer reports it.
  return 0;
}
