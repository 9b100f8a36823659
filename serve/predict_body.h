#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "tasks/model/model.h"

namespace serve {

// The request bodies POST /predict accepts.
enum class BodyFormat {
  kJson,  // application/json: one object, or an array of objects, keyed by column name
  kCsv,   // text/csv: a header row naming the columns, then one row per prediction
};

// The format a Content-Type names (parameters such as "; charset=utf-8" ignored, case
// insensitive), or nullopt for any other type (the service answers 415).
std::optional<BodyFormat> body_format(std::string_view content_type);

// The model's predictions for the rows of `body`, in order, computed by tasks/model's
// predict_json and predict_csv (the `predict` program's code, so the numbers are the
// same to the last bit). Throws common::DataError naming the place:
//   "empty body: expected ..."                                   (no bytes but whitespace)
//   "body:LINE:COL: invalid JSON: ..."                           (malformed JSON)
//   "body:LINE:COL: duplicate key \"x\""                          (two equal keys in a row)
//   "body:1: duplicate column name \"x\" (columns 1 and 3)"       (CSV)
//   "body: expected a JSON object or an array of objects, got a number"
//   "row 2: expected a JSON object, got a string"                (rows count from 0)
//   "row 2: missing field \"median_income\"" and the other predict_row messages
//   "body:7: column \"median_income\": expected a number, got \"abc\"" (CSV, by line)
//   "row 4: the prediction is not a finite number"
std::vector<double> predict_body(const tasks::Model& model, BodyFormat format,
                                 std::string_view body);

}  // namespace serve
