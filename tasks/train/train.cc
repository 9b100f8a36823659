#include "tasks/train/train.h"

#include <charconv>
#include <cmath>
#include <future>

#include "common/csv_reader.h"
#include "common/error.h"
#include "common/number.h"
#include "common/sha256.h"
#include "tasks/model/error_stats.h"
#include "tasks/model/predict.h"
#include "tasks/model/split.h"
#include "tasks/train/data_scan.h"
#include "tasks/train/ridge.h"

namespace tasks {

double parse_alpha(const std::string& text) {
  std::optional<double> v = common::parse_number(text);
  if (!v || !std::isfinite(*v) || *v < 0) {
    throw common::UsageError("invalid --alpha " + text + ": expected a number >= 0");
  }
  return *v;
}

double parse_test_fraction(const std::string& text) {
  std::optional<double> v = common::parse_number(text);
  if (!v || !(*v >= 0 && *v < 1)) {
    throw common::UsageError("invalid --test-fraction " + text + ": expected a number in [0, 1)");
  }
  return *v;
}

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t seed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw common::UsageError("invalid --seed " + text +
                             ": expected an integer in [0, 18446744073709551615]");
  }
  return seed;
}

namespace {

// A model document holds numbers where numbers are expected, never null: a fit whose
// figures overflow (values near 1e308 with a large weight) stops here, naming the column.
void check_finite(const RidgeFit& fit, const TrainOptions& options) {
  auto fail = [&](const std::string& column, const char* what) {
    throw common::DataError(
        options.input.string() + ": column \"" + column + "\": the fitted " + what +
        " is not a finite number (values too large for a double; rescale the column)");
  };
  for (const Feature& f : fit.features) {
    if (!std::isfinite(f.mean) || !std::isfinite(f.scale)) fail(f.name, "mean or scale");
    if (!std::isfinite(f.coefficient)) fail(f.name, "coefficient");
    for (double w : f.category_coefficients) {
      if (!std::isfinite(w)) fail(f.name, "coefficient");
    }
  }
  if (!std::isfinite(fit.target_mean) || !std::isfinite(fit.intercept))
    fail(options.target, "intercept");
}

// The evaluation pass: predictions for every row with the fitted model.
void evaluate(const std::filesystem::path& path, const DataScan& scan, Model& model) {
  common::CsvReader reader(path);
  reader.next();  // the header, checked by the scan
  std::vector<std::string_view> header(scan.columns.begin(), scan.columns.end());
  std::vector<std::size_t> columns = bind_columns(model, header, reader.name());
  const Hyperparameters& h = model.hyperparameters;
  ErrorStats test, train, baseline;
  std::uint64_t row = 0;
  while (reader.next()) {
    const std::vector<std::string_view>& fields = reader.fields();
    if (fields.size() != scan.columns.size()) {
      throw common::DataError(reader.name() + ":" + std::to_string(reader.line()) +
                              ": changed while train was reading it (record width)");
    }
    double prediction = predict_fields(model, columns, fields, reader.name(), reader.line());
    std::optional<double> actual = common::parse_number(fields[scan.target]);
    if (!actual) {
      throw common::DataError(reader.name() + ":" + std::to_string(reader.line()) +
                              ": changed while train was reading it (target)");
    }
    if (is_test_row(h.seed, row++, h.test_fraction)) {
      test.add(*actual, prediction);
      baseline.add(*actual, model.training_data.target_mean);
    } else {
      train.add(*actual, prediction);
    }
  }
  if (static_cast<std::int64_t>(row) != scan.rows) {
    throw common::DataError(reader.name() + ": changed while train was reading it (" +
                            std::to_string(scan.rows) + " rows, then " + std::to_string(row) + ")");
  }
  model.metrics.test = test.metrics();
  model.metrics.train = train.metrics();
  model.metrics.baseline_test_rmse = baseline.rmse();
}

}  // namespace

TrainResult train(const TrainOptions& options) {
  const Hyperparameters& h = options.hyperparameters;
  // The hash reads the file on the second core while the scan parses it.
  std::future<std::string> sha256 =
      std::async(std::launch::async, [path = options.input] { return common::sha256_file(path); });

  DataScan scan = scan_data(options.input, options.target, h.seed, h.test_fraction);
  if (scan.rows_train == 0) {
    throw common::DataError(
        options.input.string() + ": no training rows: all " + std::to_string(scan.rows) +
        " data rows fall in the test split (--test-fraction " +
        common::format_number(h.test_fraction) + ", --seed " + std::to_string(h.seed) +
        "); use a smaller --test-fraction or more data");
  }
  RidgeFit fit = fit_ridge(scan, h.alpha);
  check_finite(fit, options);

  TrainResult result;
  Model& model = result.model;
  model.target = options.target;
  model.features = std::move(fit.features);
  model.intercept = fit.intercept;
  model.hyperparameters = h;
  model.training_data.rows = scan.rows;
  model.training_data.columns = scan.columns;
  model.training_data.target_mean = fit.target_mean;
  evaluate(options.input, scan, model);
  model.training_data.sha256 = sha256.get();

  result.passes = scan.passes + 1;
  result.solver = fit.solver;
  result.rank = fit.rank;
  result.width = fit.width;
  return result;
}

}  // namespace tasks
