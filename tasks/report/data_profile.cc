#include "tasks/report/data_profile.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/csv_reader.h"
#include "common/csv_shape.h"
#include "common/error.h"
#include "common/number.h"
#include "tasks/model/predict.h"
#include "tasks/model/split.h"

namespace tasks {

namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Streaming min/max/mean/std with sums shifted by the first value.
struct NumericAccumulator {
  std::int64_t n = 0;
  double shift = 0, sum = 0, sum_sq = 0, min = 0, max = 0;
  void add(double x) {
    if (n++ == 0) shift = min = max = x;
    double d = x - shift;
    sum += d;
    sum_sq += d * d;
    min = std::min(min, x);
    max = std::max(max, x);
  }
  NumericSummary summary() const {
    if (n == 0) return {};
    double nn = static_cast<double>(n);
    double variance = std::max(sum_sq - sum * sum / nn, 0.0) / nn;
    return {min, max, shift + sum / nn, std::sqrt(variance)};
  }
};

// Values of a categorical column, up to a limit of distinct values.
template <typename V>
struct CappedMap {
  StringMap<V> values;
  std::int64_t other_rows = 0;
  V* find_or_add(std::string_view key, std::size_t limit) {
    auto it = values.find(key);
    if (it != values.end()) return &it->second;
    if (values.size() >= limit) {
      ++other_rows;
      return nullptr;
    }
    return &values.emplace(std::string(key), V{}).first->second;
  }
};

struct Binding {
  std::vector<std::size_t> feature_columns;  // per model feature
  std::size_t target = 0;
};

Binding bind_model(const Model& model, const std::vector<std::string_view>& header,
                   const std::string& name) {
  Binding b;
  b.feature_columns = bind_columns(model, header, name);
  auto it = std::find(header.begin(), header.end(), model.target);
  if (it == header.end()) {
    std::string listed;
    for (std::string_view h : header) listed += (listed.empty() ? "" : ", ") + std::string(h);
    throw common::DataError(name + ": missing column \"" + model.target +
                            "\" (the model's target); columns: " + listed);
  }
  b.target = static_cast<std::size_t>(it - header.begin());
  return b;
}

std::string at(const common::CsvReader& reader) {
  return reader.name() + ":" + std::to_string(reader.line());
}

double number_at(const common::CsvReader& reader, std::string_view field,
                 const std::string& column) {
  std::optional<double> x = common::parse_number(field);
  if (!x || !std::isfinite(*x)) {
    throw common::DataError(at(reader) + ": column \"" + column + "\": expected a number, got \"" +
                            std::string(field) + "\"");
  }
  return *x;
}

}  // namespace

DataProfile profile_data(const Model& model, const std::filesystem::path& path,
                         const ProfileOptions& options) {
  common::CsvReader reader(path);
  std::vector<std::string> header = common::read_header_row(reader);
  std::vector<std::string_view> header_views(header.begin(), header.end());
  Binding binding = bind_model(model, header_views, reader.name());

  DataProfile profile;
  const std::size_t width = header.size();
  std::vector<int> feature_of(width, -1);
  for (std::size_t i = 0; i < binding.feature_columns.size(); ++i)
    feature_of[binding.feature_columns[i]] = static_cast<int>(i);
  for (std::size_t c = 0; c < width; ++c) {
    ColumnProfile column;
    column.name = header[c];
    if (c == binding.target) {
      column.role = ColumnRole::kTarget;
    } else if (feature_of[c] >= 0) {
      column.role = ColumnRole::kFeature;
      column.type = model.features[static_cast<std::size_t>(feature_of[c])].type;
    }
    profile.columns.push_back(std::move(column));
  }
  std::vector<NumericAccumulator> numeric(width);
  std::vector<CappedMap<std::int64_t>> counts(width);
  std::vector<CappedMap<ErrorStats>> category_errors(width);

  const Hyperparameters& h = model.hyperparameters;
  std::uint64_t row = 0;
  std::uint64_t test_seen = 0;
  while (reader.next()) {
    common::check_width(reader, width);
    const std::vector<std::string_view>& fields = reader.fields();
    for (std::size_t c = 0; c < width; ++c) {
      const ColumnProfile& column = profile.columns[c];
      if (column.role == ColumnRole::kUnused) continue;
      if (column.type == FeatureType::kNumeric) {
        numeric[c].add(number_at(reader, fields[c], column.name));
      } else if (std::int64_t* n = counts[c].find_or_add(fields[c], options.max_categories)) {
        ++*n;
      }
    }
    double predicted =
        predict_fields(model, binding.feature_columns, fields, reader.name(), reader.line());
    double actual = number_at(reader, fields[binding.target], header[binding.target]);
    if (!is_test_row(h.seed, row++, h.test_fraction)) {
      profile.train.add(actual, predicted);
      continue;
    }
    profile.test.add(actual, predicted);
    profile.baseline.add(actual, model.training_data.target_mean);
    double residual = actual - predicted;
    if (test_seen == 0) profile.residual_min = profile.residual_max = residual;
    profile.residual_min = std::min(profile.residual_min, residual);
    profile.residual_max = std::max(profile.residual_max, residual);
    for (std::size_t c = 0; c < width; ++c) {
      if (profile.columns[c].role != ColumnRole::kFeature ||
          profile.columns[c].type != FeatureType::kCategorical)
        continue;
      if (ErrorStats* e = category_errors[c].find_or_add(fields[c], options.max_categories))
        e->add(actual, predicted);
    }
    // Reservoir sampling with a fixed generator: the same data gives the same sample.
    ScatterPoint point{actual, predicted};
    if (profile.sample.size() < options.max_points) {
      profile.sample.push_back(point);
    } else {
      std::uint64_t j = splitmix64(0x5ca77e5ull + test_seen) % (test_seen + 1);
      if (j < options.max_points) profile.sample[j] = point;
    }
    ++test_seen;
  }
  profile.rows = static_cast<std::int64_t>(row);
  profile.rows_test = profile.test.count();
  profile.rows_train = profile.train.count();
  if (profile.rows == 0) throw common::DataError(reader.name() + ": no data rows (header only)");

  for (std::size_t c = 0; c < width; ++c) {
    ColumnProfile& column = profile.columns[c];
    if (column.role == ColumnRole::kUnused) continue;
    if (column.type == FeatureType::kNumeric) {
      column.numeric = numeric[c].summary();
      continue;
    }
    for (const auto& [value, n] : counts[c].values) column.categories.push_back({value, n});
    std::sort(column.categories.begin(), column.categories.end(),
              [](const CategoryCount& a, const CategoryCount& b) {
                return a.count != b.count ? a.count > b.count : a.value < b.value;
              });
    column.distinct = static_cast<std::int64_t>(column.categories.size());
    column.other_rows = counts[c].other_rows;

    const Feature& feature = model.features[static_cast<std::size_t>(feature_of[c])];
    CategoryErrors errors{column.name, {}};
    for (const auto& [value, stats] : category_errors[c].values) {
      bool known = std::binary_search(feature.categories.begin(), feature.categories.end(), value);
      errors.categories.push_back({value, known, stats});
    }
    std::sort(errors.categories.begin(), errors.categories.end(),
              [](const CategoryError& a, const CategoryError& b) { return a.value < b.value; });
    profile.errors_by_category.push_back(std::move(errors));
  }
  return profile;
}

Histogram Histogram::covering(double lo, double hi, int target_bins) {
  Histogram h;
  if (!(hi > lo)) {
    double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / std::max(target_bins, 1);
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double width = power * 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * power >= raw) {
      width = m * power;
      break;
    }
  }
  h.width = width;
  h.start = std::floor(lo / width) * width;
  std::size_t bins = static_cast<std::size_t>(std::floor((hi - h.start) / width)) + 1;
  h.counts.assign(bins, 0);
  return h;
}

void Histogram::add(double value) {
  double i = std::floor((value - start) / width);
  std::size_t bin = i < 0 ? 0 : std::min(static_cast<std::size_t>(i), counts.size() - 1);
  ++counts[bin];
}

void add_test_residuals(const Model& model, const std::filesystem::path& path, Histogram& bins) {
  common::CsvReader reader(path);
  std::vector<std::string> header = common::read_header_row(reader);
  std::vector<std::string_view> header_views(header.begin(), header.end());
  Binding binding = bind_model(model, header_views, reader.name());
  const Hyperparameters& h = model.hyperparameters;
  std::uint64_t row = 0;
  while (reader.next()) {
    common::check_width(reader, header.size());
    if (!is_test_row(h.seed, row++, h.test_fraction)) continue;
    const std::vector<std::string_view>& fields = reader.fields();
    double predicted =
        predict_fields(model, binding.feature_columns, fields, reader.name(), reader.line());
    bins.add(number_at(reader, fields[binding.target], header[binding.target]) - predicted);
  }
}

}  // namespace tasks
