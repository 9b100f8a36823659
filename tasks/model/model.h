#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tasks {

// The model document (`trained.pkl`): deterministic JSON described in docs/model.md.
inline constexpr const char* kModelFormat = "pipeline-model";
inline constexpr int kModelVersion = 1;
inline constexpr const char* kRidgeRegression = "ridge_regression";

enum class FeatureType { kNumeric, kCategorical };

// "numeric" or "categorical".
const char* feature_type_name(FeatureType type);

// One input column and how it enters the linear model.
struct Feature {
  std::string name;                           // column name in the data
  FeatureType type = FeatureType::kNumeric;   // how the column is encoded
  double mean = 0;                            // numeric: training mean, subtracted first
  double scale = 1;                           // numeric: training population std (1 if constant)
  double coefficient = 0;                     // numeric: weight of (x - mean) / scale
  std::vector<std::string> categories;        // categorical: training categories, byte order
  std::vector<double> category_coefficients;  // categorical: weight of each one-hot column
};

// Error figures on one set of rows; NaN where undefined (no rows, constant target).
struct SplitMetrics {
  std::int64_t rows = 0;                                   // rows evaluated
  double rmse = std::numeric_limits<double>::quiet_NaN();  // root mean squared error
  double mae = std::numeric_limits<double>::quiet_NaN();   // mean absolute error
  double r2 = std::numeric_limits<double>::quiet_NaN();  // 1 - SSE / SST (SST about the rows' mean)
};

struct Hyperparameters {
  double alpha = 1.0;  // ridge penalty on the coefficients (not the intercept)
  std::uint64_t seed =
      42;  // split seed: row i is a test row iff splitmix64(seed + i) / 2^64 < test_fraction
  double test_fraction = 0.2;  // in [0, 1)
};

struct ModelMetrics {
  SplitMetrics test;   // on the test rows
  SplitMetrics train;  // on the training rows
  double baseline_test_rmse =
      std::numeric_limits<double>::quiet_NaN();  // predicting the training mean
};

// What the model was trained on.
struct TrainingData {
  std::string sha256;                // of the data file
  std::int64_t rows = 0;             // data rows (training + test)
  std::vector<std::string> columns;  // header, in file order (target included)
  double target_mean = 0;            // mean of the target over the training rows
};

// A trained linear model over encoded features:
//   prediction = intercept + sum(numeric coefficient * (x - mean) / scale)
//                          + sum(coefficient of the row's category)  (unseen category: 0)
struct Model {
  std::string kind = kRidgeRegression;  // the only kind so far
  std::string target;                   // the column predicted
  std::vector<Feature> features;        // the data's other columns, in file order
  double intercept = 0;                 // unpenalised
  Hyperparameters hyperparameters;
  ModelMetrics metrics;
  TrainingData training_data;
};

// A coefficient with the name of its design column: "median_income" for a numeric feature,
// "ocean_proximity=INLAND" for a one-hot column.
struct NamedCoefficient {
  std::string name;      // display name
  std::string feature;   // the feature's column
  std::string category;  // the category (one-hot columns only)
  bool one_hot = false;  // whether this is a category's column
  double value = 0;      // the weight
};

// Every coefficient in design order (features in order, categories in byte order).
std::vector<NamedCoefficient> coefficients(const Model& model);

// Number of design columns (numeric features plus one per category).
std::size_t design_width(const Model& model);

// The document as JSON and as its byte-stable text (common::to_pretty_json).
boost::json::value model_to_json(const Model& model);
std::string model_document(const Model& model);

// Reads a model document. `name` prefixes error messages. Throws DataError
// "<name>: <where>: <problem>" for a document that is not a model, has a missing or
// mistyped field, an unknown kind, or a format version newer than kModelVersion.
Model model_from_json(const boost::json::value& document, const std::string& name);

// Parses a model document's text: common::parse_json, then a key that repeats within one
// object is refused ("<name>:LINE:COL: duplicate key \"x\"", see json_keys.h), then
// model_from_json.
Model model_from_text(std::string_view text, const std::string& name);

// Reads and parses `path` (model_from_text). Throws InputMissingError (66), IoError (74) or
// DataError (65).
Model load_model(const std::filesystem::path& path);

}  // namespace tasks
