#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "tasks/model/model.h"

namespace tasks {

// The most design columns (numeric features plus one per category) train accepts. Its
// memory grows with their square and its solve time with their cube (4096 columns take
// about 15 s and 0.5 GB), so a wider table is refused early with a DataError instead of
// running for hours or out of memory.
inline constexpr std::size_t kMaxDesignColumns = 2048;

// One category of a categorical column, over the training rows.
struct CategoryStats {
  std::string value;         // the category
  std::int64_t count = 0;    // training rows holding it
  std::vector<double> sums;  // per numeric-block entry: sum of u (see DataScan) over those rows
};

// The column layout of a cleaned CSV and the sufficient statistics of its training rows
// for a linear model: everything train needs, in memory independent of the row count.
// The "numeric block" is the numeric feature columns in file order followed by the target;
// its sums are shifted by the first data row's values so that large means do not cost
// precision.
struct DataScan {
  std::vector<std::string> columns;  // the header
  std::vector<FeatureType> types;    // per column (the target is numeric)
  std::size_t target = 0;            // index of the target column
  std::int64_t rows = 0;             // data rows
  std::int64_t rows_train = 0;       // of which training rows
  std::int64_t rows_test = 0;        // and test rows
  int passes = 0;                    // passes over the file so far

  // Sums are of u = x / unit - shift / unit, where `unit` is a power of two (1 unless the
  // column holds values of 2^400 or more), so that values near 1e308 neither overflow nor
  // lose precision; for ordinary data u = x - shift exactly.
  std::vector<std::size_t> numeric_columns;  // column of each numeric-block entry (target last)
  std::vector<double> shift;                 // per entry: the first data row's value
  std::vector<double> unit;                  // per entry: the power of two u is measured in
  std::vector<double> sums;                  // per entry: sum of u over training rows
  std::vector<double> cross;                 // q x q row-major: sum of u u'

  std::vector<std::size_t> categorical_columns;        // column of each categorical feature
  std::vector<std::vector<CategoryStats>> categories;  // per categorical feature, byte order
  // Co-occurrence counts of categories of two categorical features a < b, keyed by
  // pair_key(a, b) and then by (category of a) << 32 | (category of b).
  std::unordered_map<std::uint64_t, std::unordered_map<std::uint64_t, std::int64_t>> pairs;

  static std::uint64_t pair_key(std::size_t a, std::size_t b) {
    return (std::uint64_t{a} << 32) | b;
  }
  std::size_t numeric_width() const { return numeric_columns.size(); }
};

// Reads `path` (a CSV with a header, as clean writes it), infers each column's type
// (numeric when every value is a finite number, else categorical), and accumulates the
// statistics of the training rows (row i is a test row iff is_test_row(seed, i,
// test_fraction)). Categories are those seen in training rows. Usually one pass; a column
// that turns out categorical after its first rows costs a second.
//
// Throws DataError (65) with "<path>:<line>" for: an empty file, a duplicate column name,
// a missing target (listing the columns), a record of the wrong width, a null value
// (train expects cleaned data), a target value that is not a finite number; for a
// file with no data rows; and for more than kMaxDesignColumns design columns (feature
// columns in the header, or numeric features plus categories seen so far).
// InputMissingError/IoError when it cannot be read.
DataScan scan_data(const std::filesystem::path& path, const std::string& target, std::uint64_t seed,
                   double test_fraction);

}  // namespace tasks
