#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tasks/model/error_stats.h"
#include "tasks/model/model.h"

namespace tasks {

enum class ColumnRole { kTarget, kFeature, kUnused };

// min/max/mean/population std of a numeric column.
struct NumericSummary {
  double min = 0;
  double max = 0;
  double mean = 0;
  double std = 0;
};

struct CategoryCount {
  std::string value;       // the category
  std::int64_t count = 0;  // rows holding it
};

// One column of the data as the report describes it.
struct ColumnProfile {
  std::string name;
  ColumnRole role = ColumnRole::kUnused;
  FeatureType type = FeatureType::kNumeric;  // the model's type (unused columns: not profiled)
  NumericSummary numeric;                    // numeric target and features
  std::vector<CategoryCount> categories;     // categorical: by count (descending), then value
  std::int64_t distinct = 0;                 // categorical: distinct values
  std::int64_t other_rows = 0;               // rows whose value was beyond the tracking limit
};

// Errors on the test rows that hold one category.
struct CategoryError {
  std::string value;
  bool in_model = false;  // seen in training (false: encoded as all zeros)
  ErrorStats errors;
};

struct CategoryErrors {
  std::string feature;                    // a categorical feature
  std::vector<CategoryError> categories;  // in byte order
};

// One test row's actual value and prediction.
struct ScatterPoint {
  double actual = 0;
  double predicted = 0;
};

// What one pass over the data tells the report.
struct DataProfile {
  std::int64_t rows = 0;                           // data rows
  std::int64_t rows_train = 0;                     // rows in the model's training split
  std::int64_t rows_test = 0;                      // rows in its test split
  std::vector<ColumnProfile> columns;              // in file order
  ErrorStats test;                                 // model on the test rows
  ErrorStats train;                                // model on the training rows
  ErrorStats baseline;                             // the training mean on the test rows
  std::vector<CategoryErrors> errors_by_category;  // one per categorical feature
  std::vector<ScatterPoint> sample;  // test rows: all, or a uniform sample of max_points
  double residual_min = 0;           // actual - predicted over the test rows
  double residual_max = 0;
};

struct ProfileOptions {
  std::size_t max_points = 5000;      // scatter sample size (reservoir sampling, deterministic)
  std::size_t max_categories = 1000;  // distinct values tracked per categorical column
};

// Reads the data with the model's split (model.hyperparameters' seed and test fraction,
// the same is_test_row train used) and profiles it; memory is bounded by the options, not
// the row count. Throws DataError for a file that does not fit the model: an empty file,
// a missing column (listed), a record of the wrong width, a value that is not a finite
// number in a numeric column ("<path>:<line>: column \"x\": expected a number, got ...").
DataProfile profile_data(const Model& model, const std::filesystem::path& path,
                         const ProfileOptions& options = {});

// Counts of values in bins [start + i * width, start + (i + 1) * width).
struct Histogram {
  double start = 0;
  double width = 1;
  std::vector<std::int64_t> counts;

  // Bins of a "nice" width (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi] with
  // about `target_bins` bins.
  static Histogram covering(double lo, double hi, int target_bins);
  void add(double value);
};

// Residuals (actual - predicted) of the model's test rows in `bins` (a second pass).
void add_test_residuals(const Model& model, const std::filesystem::path& path, Histogram& bins);

}  // namespace tasks
