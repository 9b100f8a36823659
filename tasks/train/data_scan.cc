#include "tasks/train/data_scan.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "common/csv_columns.h"
#include "common/csv_reader.h"
#include "common/csv_shape.h"
#include "common/error.h"
#include "common/json_util.h"
#include "common/message.h"
#include "common/number.h"
#include "tasks/model/split.h"

namespace tasks {

namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// Category text -> its index in first-seen order, looked up without allocating.
using CategoryIndex = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

std::optional<double> finite_number(std::string_view text) {
  std::optional<double> x = common::parse_number(text);
  if (x && !std::isfinite(*x)) return std::nullopt;
  return x;
}

std::string at(const common::CsvReader& reader) {
  return reader.name() + ":" + std::to_string(reader.line());
}

std::vector<std::string> read_header(common::CsvReader& reader, const std::string& target,
                                     std::size_t& target_index) {
  std::vector<std::string> columns = common::read_header_row(reader);
  common::ColumnIndex index = common::index_columns(columns, reader.name(), reader.line());
  auto it = index.find(target);
  if (it == index.end()) {
    std::string listed;
    for (const std::string& c : columns)
      listed += (listed.empty() ? "" : ", ") + common::cut_for_message(c);
    throw common::DataError(reader.name() + ": no column " + common::quote_for_message(target) +
                            " (--target); columns: " + common::cut_for_message(listed, 1000));
  }
  target_index = it->second;
  return columns;
}

// One streaming pass over the file, accumulating into `scan`.
class Pass {
 public:
  Pass(DataScan& scan, std::uint64_t seed, double test_fraction)
      : scan_(scan), seed_(seed), test_fraction_(test_fraction) {}

  // Returns false when a column typed numeric held a non-number: its type is now
  // categorical, the statistics are void and the caller runs another pass.
  bool run(const std::filesystem::path& path, const std::string& target) {
    common::CsvReader reader(path);
    std::size_t target_index = 0;
    std::vector<std::string> columns = read_header(reader, target, target_index);
    if (scan_.passes > 0 && columns != scan_.columns) {
      throw common::DataError(reader.name() +
                              ": changed while train was reading it (the header differs)");
    }
    if (columns.size() - 1 > kMaxDesignColumns) {
      throw common::DataError(at(reader) + ": " + std::to_string(columns.size() - 1) +
                              " feature columns: more than train's limit of " +
                              std::to_string(kMaxDesignColumns) + " design columns");
    }
    scan_.columns = std::move(columns);
    scan_.target = target_index;
    ++scan_.passes;
    reset();
    const std::size_t width = scan_.columns.size();
    while (reader.next()) {
      const std::vector<std::string_view>& fields = reader.fields();
      common::check_width(reader, width);
      for (std::size_t c = 0; c < width; ++c) {
        std::string_view f = fields[c];
        if (f.empty() || ((f[0] == 'N' || f[0] == 'n') && nulls_.contains(f))) {
          throw common::DataError(at(reader) + ": column " +
                                  common::quote_for_message(scan_.columns[c]) + ": missing value " +
                                  common::quote_for_message(f) +
                                  " (train expects cleaned data; run clean first)");
        }
      }
      if (scan_.types.empty()) {
        infer_types(reader, fields);
        set_up();
      }
      for (std::size_t c : layout_.categorical) {
        if (common::value_kind(fields[c], nulls_) == common::ValueKind::kNonFiniteNumber) {
          not_finite(reader, c, fields[c]);
        }
      }
      std::uint64_t row = static_cast<std::uint64_t>(scan_.rows++);
      bool test = is_test_row(seed_, row, test_fraction_);
      if (!read_numbers(reader, fields)) types_changed_ = true;
      if (test) {
        ++scan_.rows_test;
        continue;
      }
      ++scan_.rows_train;
      if (!types_changed_) add_training_row(reader, fields);
    }
    if (scan_.rows == 0) throw common::DataError(reader.name() + ": no data rows (header only)");
    if (types_changed_) {
      if (scan_.passes > 1 && restarted_once_) {
        throw common::DataError(reader.name() +
                                ": changed while train was reading it (column types differ)");
      }
      return false;
    }
    finish();
    return true;
  }

  void mark_restart() { restarted_once_ = true; }

 private:
  struct Layout {
    std::vector<std::size_t> numeric;
    std::vector<std::size_t> categorical;
  };

  void reset() {
    scan_.rows = scan_.rows_train = scan_.rows_test = 0;
    scan_.numeric_columns.clear();
    scan_.shift.clear();
    scan_.unit.clear();
    scan_.sums.clear();
    scan_.cross.clear();
    scan_.categorical_columns.clear();
    scan_.categories.clear();
    scan_.pairs.clear();
    layout_ = {};
    categories_ = 0;
    index_.clear();
    types_changed_ = false;
    if (!scan_.types.empty()) set_up();
  }

  // The first data row decides each column's starting type, by clean's rule
  // (common/csv_columns.h): text makes a column categorical; a non-finite number is
  // refused (clean drops its row), so train on clean.csv types every column as clean did.
  void infer_types(const common::CsvReader& reader, const std::vector<std::string_view>& fields) {
    scan_.types.assign(fields.size(), FeatureType::kNumeric);
    for (std::size_t c = 0; c < fields.size(); ++c) {
      common::ValueKind kind = common::value_kind(fields[c], nulls_);
      if (kind == common::ValueKind::kNonFiniteNumber) not_finite(reader, c, fields[c]);
      if (kind != common::ValueKind::kFiniteNumber) {
        if (c == scan_.target) target_not_numeric(reader, fields[c]);
        scan_.types[c] = FeatureType::kCategorical;
      }
    }
  }

  [[noreturn]] void not_finite(const common::CsvReader& reader, std::size_t column,
                               std::string_view value) const {
    throw common::DataError(at(reader) + ": column " +
                            common::quote_for_message(scan_.columns[column]) +
                            ": non-finite number " + common::quote_for_message(value) +
                            " (train expects cleaned data; run clean first)");
  }

  [[noreturn]] void target_not_numeric(const common::CsvReader& reader,
                                       std::string_view value) const {
    throw common::DataError(
        at(reader) + ": column " + common::quote_for_message(scan_.columns[scan_.target]) +
        " (--target): expected a number, got " + common::quote_for_message(value));
  }

  void set_up() {
    for (std::size_t c = 0; c < scan_.types.size(); ++c) {
      if (c == scan_.target) continue;
      (scan_.types[c] == FeatureType::kNumeric ? layout_.numeric : layout_.categorical)
          .push_back(c);
    }
    scan_.numeric_columns = layout_.numeric;
    scan_.numeric_columns.push_back(scan_.target);
    scan_.categorical_columns = layout_.categorical;
    std::size_t q = scan_.numeric_columns.size();
    scan_.sums.assign(q, 0.0);
    scan_.cross.assign(q * q, 0.0);
    scan_.categories.assign(layout_.categorical.size(), {});
    index_.assign(layout_.categorical.size(), {});
    u_.assign(q, 0.0);
    ids_.assign(layout_.categorical.size(), 0);
  }

  // Parses the numeric block into u_ (shifted). Returns false when a numeric column held
  // a non-number (the column becomes categorical).
  bool read_numbers(const common::CsvReader& reader, const std::vector<std::string_view>& fields) {
    bool ok = true;
    const std::size_t q = scan_.numeric_columns.size();
    if (scan_.shift.empty()) {
      scan_.shift.resize(q);
      scan_.unit.assign(q, 1.0);
      for (std::size_t k = 0; k < q; ++k) {
        scan_.shift[k] = finite_number(fields[scan_.numeric_columns[k]]).value_or(0);
        cover(k, std::fabs(scan_.shift[k]));
      }
    }
    for (std::size_t k = 0; k < q; ++k) {
      std::size_t c = scan_.numeric_columns[k];
      if (scan_.types[c] != FeatureType::kNumeric) continue;  // turned categorical in this pass
      std::optional<double> x = common::parse_number(fields[c]);
      if (x && !std::isfinite(*x)) not_finite(reader, c, fields[c]);
      if (!x) {
        if (c == scan_.target) target_not_numeric(reader, fields[c]);
        scan_.types[c] = FeatureType::kCategorical;
        ok = false;
        continue;
      }
      cover(k, std::fabs(*x));
      u_[k] = *x / scan_.unit[k] - scan_.shift[k] / scan_.unit[k];
    }
    return ok;
  }

  // Makes entry k's unit large enough for a value of magnitude `m` (m / unit < 2^400),
  // rescaling what was summed so far. Units are powers of two, so rescaling is exact but
  // for values that fall below the smallest double, negligible beside the new ones.
  void cover(std::size_t k, double m) {
    constexpr double kLimit = 0x1p400;  // |u| < 2^401: u * u summed over 2^200 rows is finite
    if (m < kLimit * scan_.unit[k]) [[likely]]
      return;
    double unit = std::ldexp(1.0, std::ilogb(m) - std::ilogb(kLimit) + 1);
    double f = scan_.unit[k] / unit;
    const std::size_t q = scan_.numeric_columns.size();
    scan_.sums[k] *= f;
    for (std::size_t j = 0; j < q; ++j) {  // row k and column k: the diagonal gets f * f
      scan_.cross[j * q + k] *= f;
      scan_.cross[k * q + j] *= f;
    }
    for (std::vector<CategoryStats>& column : scan_.categories) {
      for (CategoryStats& c : column) c.sums[k] *= f;
    }
    scan_.unit[k] = unit;
  }

  void add_training_row(const common::CsvReader& reader,
                        const std::vector<std::string_view>& fields) {
    const std::size_t q = u_.size();
    for (std::size_t j = 0; j < q; ++j) {
      double uj = u_[j];
      scan_.sums[j] += uj;
      double* row = scan_.cross.data() + j * q;
      for (std::size_t k = j; k < q; ++k) row[k] += uj * u_[k];
    }
    for (std::size_t a = 0; a < layout_.categorical.size(); ++a) {
      std::string_view value = fields[layout_.categorical[a]];
      // Categories as the model file will hold them (valid UTF-8, common/json_util.h).
      std::string normalized;
      if (!common::is_valid_utf8(value)) value = normalized = common::valid_utf8(value);
      CategoryIndex& index = index_[a];
      auto it = index.find(value);
      std::uint32_t id;
      if (it == index.end()) {
        id = static_cast<std::uint32_t>(scan_.categories[a].size());
        index.emplace(std::string(value), id);
        scan_.categories[a].push_back(
            CategoryStats{std::string(value), 0, std::vector<double>(q, 0.0)});
        if (++categories_ + layout_.numeric.size() > kMaxDesignColumns) too_wide(reader);
      } else {
        id = it->second;
      }
      ids_[a] = id;
      CategoryStats& stats = scan_.categories[a][id];
      ++stats.count;
      for (std::size_t k = 0; k < q; ++k) stats.sums[k] += u_[k];
    }
    for (std::size_t a = 0; a < ids_.size(); ++a) {
      for (std::size_t b = a + 1; b < ids_.size(); ++b) {
        ++scan_.pairs[DataScan::pair_key(a, b)][(std::uint64_t{ids_[a]} << 32) | ids_[b]];
      }
    }
  }

  // Checked as categories appear, so that a column holding an identifier stops the scan
  // before the co-occurrence counts grow with the square of the categories.
  [[noreturn]] void too_wide(const common::CsvReader& reader) const {
    std::size_t most = 0;
    for (std::size_t a = 1; a < scan_.categories.size(); ++a) {
      if (scan_.categories[a].size() > scan_.categories[most].size()) most = a;
    }
    throw common::DataError(
        at(reader) + ": more than train's limit of " + std::to_string(kMaxDesignColumns) +
        " design columns: " + std::to_string(layout_.numeric.size()) + " numeric and " +
        std::to_string(categories_) + " one-hot, the most from column " +
        common::quote_for_message(scan_.columns[layout_.categorical[most]]) + " (" +
        std::to_string(scan_.categories[most].size()) + " categories so far)");
  }

  // Mirrors the cross products and puts categories in byte order.
  void finish() {
    const std::size_t q = scan_.numeric_columns.size();
    for (std::size_t j = 0; j < q; ++j) {
      for (std::size_t k = 0; k < j; ++k) scan_.cross[j * q + k] = scan_.cross[k * q + j];
    }
    std::vector<std::vector<std::uint32_t>> rank(scan_.categories.size());
    for (std::size_t a = 0; a < scan_.categories.size(); ++a) {
      std::vector<CategoryStats>& cats = scan_.categories[a];
      std::vector<std::uint32_t> order(cats.size());
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(),
                [&](std::uint32_t x, std::uint32_t y) { return cats[x].value < cats[y].value; });
      rank[a].resize(cats.size());
      std::vector<CategoryStats> sorted;
      sorted.reserve(cats.size());
      for (std::uint32_t i = 0; i < order.size(); ++i) {
        rank[a][order[i]] = i;
        sorted.push_back(std::move(cats[order[i]]));
      }
      cats = std::move(sorted);
    }
    for (auto& [key, counts] : scan_.pairs) {
      std::size_t a = static_cast<std::size_t>(key >> 32);
      std::size_t b = static_cast<std::size_t>(key & 0xffffffffu);
      std::unordered_map<std::uint64_t, std::int64_t> remapped;
      for (const auto& [ids, count] : counts) {
        std::uint64_t ia = rank[a][ids >> 32];
        std::uint64_t ib = rank[b][ids & 0xffffffffu];
        remapped[(ia << 32) | ib] = count;
      }
      counts = std::move(remapped);
    }
  }

  DataScan& scan_;
  std::uint64_t seed_;
  double test_fraction_;
  common::NullTokens nulls_;
  Layout layout_;
  std::vector<CategoryIndex> index_;
  std::vector<double> u_;
  std::vector<std::uint32_t> ids_;
  std::size_t categories_ = 0;  // over every categorical column, in this pass
  bool types_changed_ = false;
  bool restarted_once_ = false;
};

}  // namespace

DataScan scan_data(const std::filesystem::path& path, const std::string& target, std::uint64_t seed,
                   double test_fraction) {
  DataScan scan;
  Pass pass(scan, seed, test_fraction);
  if (!pass.run(path, target)) {
    // A column was numeric in its first rows only: now that every type is known, start over.
    pass.mark_restart();
    if (!pass.run(path, target)) throw common::InternalError("column types changed twice");
  }
  return scan;
}

}  // namespace tasks
