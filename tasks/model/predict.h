#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/model/model.h"

namespace tasks {

// One feature's value in an input row, as the row's source holds it. Views must stay
// valid until predict_row returns.
struct FieldValue {
  enum class Kind {
    kMissing,  // the row has no such column or field
    kNull,     // present but empty (an empty CSV field, JSON null)
    kText,     // text: parsed as a number for numeric features, a category otherwise
    kNumber,   // a number (JSON): valid for numeric features only
    kInvalid,  // a value of another kind (JSON true, [], {}); `text` describes it
  };
  Kind kind = Kind::kMissing;
  std::string_view text;  // kText, kInvalid
  double number = 0;      // kNumber
};

// What error messages call a row's entries: CSV columns or JSON fields.
enum class FieldNoun { kColumn, kField };

// Returns the value of model.features[index] in the current row.
using RowAccessor = std::function<FieldValue(std::size_t index)>;

// The model's prediction for one row: intercept + coefficient * (x - mean) / scale for
// each numeric feature + the coefficient of the row's category for each categorical one
// (an unseen category adds nothing). Throws DataError "<row_name>: <noun> \"<feature>\":
// <problem>", e.g. `rows.csv:7: column "median_income": expected a number, got "abc"`, for
// a missing or null value, text that is not a finite number for a numeric feature, or a
// number for a categorical feature; and "<row_name>: the prediction is not a finite number"
// when the sum overflows.
double predict_row(const Model& model, const RowAccessor& row, std::string_view row_name,
                   FieldNoun noun = FieldNoun::kColumn);

// The column of each model feature in a CSV header (extra columns are ignored). Throws
// DataError "<name>: missing column \"x\" needed by the model; columns: a, b, c".
std::vector<std::size_t> bind_columns(const Model& model,
                                      const std::vector<std::string_view>& header,
                                      const std::string& name);

// predict_row over one CSV record whose features sit at `columns` (from bind_columns),
// with "<source>:<line>" as the row's name (built only for an error message). An empty
// field is a missing value. `fields` must be at least as wide as the header.
double predict_fields(const Model& model, const std::vector<std::size_t>& columns,
                      const std::vector<std::string_view>& fields, std::string_view source,
                      std::size_t line);

// predict_row over a JSON object keyed by column name (extra keys ignored). Numeric
// features take a JSON number or a string holding one; categorical features a string.
double predict_json(const Model& model, const boost::json::object& row, std::string_view row_name);

}  // namespace tasks
