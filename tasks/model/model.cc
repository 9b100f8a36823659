#include "tasks/model/model.h"

#include <boost/json.hpp>
#include <cmath>
#include <unordered_set>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/json_util.h"
#include "common/read_file.h"
#include "tasks/model/json_keys.h"

namespace json = boost::json;

namespace tasks {

const char* feature_type_name(FeatureType type) {
  return type == FeatureType::kNumeric ? "numeric" : "categorical";
}

std::vector<NamedCoefficient> coefficients(const Model& model) {
  std::vector<NamedCoefficient> out;
  for (const Feature& f : model.features) {
    if (f.type == FeatureType::kNumeric) {
      out.push_back({f.name, f.name, "", false, f.coefficient});
      continue;
    }
    for (std::size_t c = 0; c < f.categories.size(); ++c) {
      out.push_back({f.name + "=" + f.categories[c], f.name, f.categories[c], true,
                     f.category_coefficients[c]});
    }
  }
  return out;
}

std::size_t design_width(const Model& model) {
  std::size_t width = 0;
  for (const Feature& f : model.features) {
    width += f.type == FeatureType::kNumeric ? 1 : f.categories.size();
  }
  return width;
}

namespace {

// NaN (undefined) serializes as null through to_pretty_json.
json::object split_json(const SplitMetrics& m) {
  return json::object{{"rows", m.rows}, {"rmse", m.rmse}, {"mae", m.mae}, {"r2", m.r2}};
}

}  // namespace

json::value model_to_json(const Model& model) {
  json::array features;
  for (const Feature& f : model.features) {
    json::object entry{{"name", f.name}, {"type", feature_type_name(f.type)}};
    if (f.type == FeatureType::kNumeric) {
      entry["mean"] = f.mean;
      entry["scale"] = f.scale;
    } else {
      entry["categories"] = json::value_from(f.categories);
    }
    features.push_back(std::move(entry));
  }
  json::array weights;
  for (const NamedCoefficient& c : coefficients(model)) {
    json::object entry{{"name", c.name}, {"feature", c.feature}};
    if (c.one_hot) entry["category"] = c.category;
    entry["value"] = c.value;
    weights.push_back(std::move(entry));
  }
  const Hyperparameters& h = model.hyperparameters;
  const ModelMetrics& m = model.metrics;
  const TrainingData& d = model.training_data;
  return json::object{
      {"format", kModelFormat},
      {"version", kModelVersion},
      {"kind", model.kind},
      {"target", model.target},
      {"features", std::move(features)},
      {"coefficients", std::move(weights)},
      {"intercept", model.intercept},
      {"hyperparameters",
       json::object{{"alpha", h.alpha}, {"seed", h.seed}, {"test_fraction", h.test_fraction}}},
      {"metrics", json::object{{"test", split_json(m.test)},
                               {"train", split_json(m.train)},
                               {"baseline_test_rmse", m.baseline_test_rmse}}},
      {"training_data", json::object{{"sha256", d.sha256},
                                     {"rows", d.rows},
                                     {"columns", json::value_from(d.columns)},
                                     {"target_mean", d.target_mean}}},
  };
}

std::string model_document(const Model& model) {
  return common::to_pretty_json(model_to_json(model));
}

namespace {

// Reads fields of the document with errors that name the file and the field's path.
class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw common::DataError(name_ + ": " + (where.empty() ? "" : where + ": ") + problem);
  }

  const json::value& field(const json::object& o, const char* key, const std::string& where) const {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) fail(where, std::string("missing field \"") + key + "\"");
    return *v;
  }
  const json::object& object(const json::value& v, const std::string& where) const {
    if (!v.is_object()) fail(where, "expected an object");
    return v.get_object();
  }
  const json::array& array(const json::value& v, const std::string& where) const {
    if (!v.is_array()) fail(where, "expected an array");
    return v.get_array();
  }
  std::string string(const json::value& v, const std::string& where) const {
    if (!v.is_string()) fail(where, "expected a string");
    return std::string(v.get_string());
  }
  // A number; null reads as NaN when `allow_null`, and then any number given must be
  // finite: the writer writes a figure that is not a number as null, so an overflowing
  // literal (2e22220) would not read back as itself.
  double number(const json::value& v, const std::string& where, bool allow_null = false) const {
    if (allow_null && v.is_null()) return std::nan("");
    if (!v.is_number()) fail(where, "expected a number");
    double d = common::json_number(v, where);
    if (allow_null && !std::isfinite(d)) fail(where, "expected a finite number or null");
    return d;
  }
  double finite(const json::value& v, const std::string& where) const {
    double d = number(v, where);
    if (!std::isfinite(d)) fail(where, "expected a finite number");
    return d;
  }
  std::uint64_t unsigned_integer(const json::value& v, const std::string& where) const {
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
    fail(where, "expected a non-negative integer");
  }
  std::vector<std::string> strings(const json::value& v, const std::string& where) const {
    std::vector<std::string> out;
    const json::array& a = array(v, where);
    for (std::size_t i = 0; i < a.size(); ++i)
      out.push_back(string(a[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }

  // Field `key` of `o` as a string, number, ... with the path "<where>.<key>".
  std::string string_at(const json::object& o, const char* key, const std::string& where) const {
    return string(field(o, key, where), join(where, key));
  }
  double number_at(const json::object& o, const char* key, const std::string& where,
                   bool allow_null = false) const {
    return number(field(o, key, where), join(where, key), allow_null);
  }
  double finite_at(const json::object& o, const char* key, const std::string& where) const {
    return finite(field(o, key, where), join(where, key));
  }

  static std::string join(const std::string& where, const char* key) {
    return where.empty() ? std::string(key) : where + "." + key;
  }

 private:
  std::string name_;
};

void check_format(const Reader& r, const json::object& doc) {
  const json::value* format = doc.if_contains("format");
  if (format == nullptr || !format->is_string() || format->get_string() != kModelFormat) {
    r.fail("",
           std::string("not a model document: expected \"format\": \"") + kModelFormat +
               "\", found " +
               (format == nullptr ? std::string("no \"format\" field") : json::serialize(*format)));
  }
  const json::value& version = r.field(doc, "version", "");
  if (!version.is_int64() && !version.is_uint64()) r.fail("version", "expected an integer");
  std::uint64_t v = r.unsigned_integer(version, "version");
  if (v > static_cast<std::uint64_t>(kModelVersion)) {
    r.fail("", "model format version " + std::to_string(v) +
                   " is newer than this program supports (" + std::to_string(kModelVersion) +
                   "); use a newer pipeline build");
  }
  if (v < 1) r.fail("version", "unsupported model format version " + std::to_string(v));
}

Feature read_feature(const Reader& r, const json::value& v, const std::string& where) {
  const json::object& o = r.object(v, where);
  Feature f;
  f.name = r.string_at(o, "name", where);
  std::string type = r.string_at(o, "type", where);
  if (type == "numeric") {
    f.type = FeatureType::kNumeric;
    f.mean = r.finite_at(o, "mean", where);
    f.scale = r.finite_at(o, "scale", where);
    if (f.scale <= 0) r.fail(where + ".scale", "expected a positive number");
  } else if (type == "categorical") {
    f.type = FeatureType::kCategorical;
    f.categories = r.strings(r.field(o, "categories", where), where + ".categories");
    f.category_coefficients.assign(f.categories.size(), 0.0);  // read with "coefficients"
    for (std::size_t c = 1; c < f.categories.size(); ++c) {
      if (!(f.categories[c - 1] < f.categories[c])) {
        r.fail(where + ".categories", "expected distinct categories in byte order");
      }
    }
  } else {
    r.fail(where + ".type", "expected \"numeric\" or \"categorical\", found \"" + type + "\"");
  }
  return f;
}

// Fills the features' coefficients from the "coefficients" array, which must list the
// design columns in order.
void read_coefficients(const Reader& r, const json::value& v, Model& model) {
  const json::array& a = r.array(v, "coefficients");
  std::vector<NamedCoefficient> expected = coefficients(model);
  if (a.size() != expected.size()) {
    r.fail("coefficients", "expected " + std::to_string(expected.size()) +
                               " entries (one per design column), found " +
                               std::to_string(a.size()));
  }
  std::vector<double> values;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string where = "coefficients[" + std::to_string(i) + "]";
    const json::object& o = r.object(a[i], where);
    std::string feature = r.string_at(o, "feature", where);
    std::string category = o.contains("category") ? r.string_at(o, "category", where) : "";
    if (feature != expected[i].feature || category != expected[i].category ||
        o.contains("category") != expected[i].one_hot) {
      r.fail(where, "expected the coefficient of \"" + expected[i].name + "\"");
    }
    values.push_back(r.finite_at(o, "value", where));
  }
  std::size_t k = 0;
  for (Feature& f : model.features) {
    if (f.type == FeatureType::kNumeric) {
      f.coefficient = values[k++];
    } else {
      f.category_coefficients.assign(
          values.begin() + static_cast<std::ptrdiff_t>(k),
          values.begin() + static_cast<std::ptrdiff_t>(k + f.categories.size()));
      k += f.categories.size();
    }
  }
}

SplitMetrics read_split(const Reader& r, const json::object& o, const std::string& where) {
  SplitMetrics m;
  m.rows =
      static_cast<std::int64_t>(r.unsigned_integer(r.field(o, "rows", where), where + ".rows"));
  m.rmse = r.number_at(o, "rmse", where, true);
  m.mae = r.number_at(o, "mae", where, true);
  m.r2 = r.number_at(o, "r2", where, true);
  return m;
}

}  // namespace

Model model_from_json(const json::value& document, const std::string& name) {
  Reader r(name);
  if (!document.is_object()) r.fail("", "not a model document: expected a JSON object");
  const json::object& doc = document.get_object();
  check_format(r, doc);

  Model model;
  model.kind = r.string_at(doc, "kind", "");
  if (model.kind != kRidgeRegression) {
    r.fail("kind",
           "unsupported model kind \"" + model.kind + "\" (expected \"" + kRidgeRegression + "\")");
  }
  model.target = r.string_at(doc, "target", "");
  const json::array& features = r.array(r.field(doc, "features", ""), "features");
  std::unordered_set<std::string> names;  // hashed: a wide model loads in linear time
  for (std::size_t i = 0; i < features.size(); ++i) {
    model.features.push_back(read_feature(r, features[i], "features[" + std::to_string(i) + "]"));
    if (!names.insert(model.features[i].name).second) {
      r.fail("features[" + std::to_string(i) + "]",
             "duplicate feature \"" + model.features[i].name + "\"");
    }
    if (model.features[i].name == model.target) {
      r.fail("features[" + std::to_string(i) + "]",
             "the target \"" + model.target + "\" cannot be a feature");
    }
  }
  read_coefficients(r, r.field(doc, "coefficients", ""), model);
  model.intercept = r.finite_at(doc, "intercept", "");

  const json::object& h = r.object(r.field(doc, "hyperparameters", ""), "hyperparameters");
  model.hyperparameters.alpha = r.finite_at(h, "alpha", "hyperparameters");
  model.hyperparameters.seed =
      r.unsigned_integer(r.field(h, "seed", "hyperparameters"), "hyperparameters.seed");
  model.hyperparameters.test_fraction = r.finite_at(h, "test_fraction", "hyperparameters");

  const json::object& m = r.object(r.field(doc, "metrics", ""), "metrics");
  model.metrics.test =
      read_split(r, r.object(r.field(m, "test", "metrics"), "metrics.test"), "metrics.test");
  model.metrics.train =
      read_split(r, r.object(r.field(m, "train", "metrics"), "metrics.train"), "metrics.train");
  model.metrics.baseline_test_rmse = r.number_at(m, "baseline_test_rmse", "metrics", true);

  const json::object& d = r.object(r.field(doc, "training_data", ""), "training_data");
  model.training_data.sha256 = r.string_at(d, "sha256", "training_data");
  model.training_data.rows = static_cast<std::int64_t>(
      r.unsigned_integer(r.field(d, "rows", "training_data"), "training_data.rows"));
  model.training_data.columns =
      r.strings(r.field(d, "columns", "training_data"), "training_data.columns");
  model.training_data.target_mean = r.finite_at(d, "target_mean", "training_data");
  return model;
}

Model model_from_text(std::string_view text, const std::string& name) {
  json::value document = common::parse_json(text, name);
  refuse_duplicate_keys(text, name);
  return model_from_json(document, name);
}

Model load_model(const std::filesystem::path& path) {
  return model_from_text(common::read_file(path), path.string());
}

}  // namespace tasks
