#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "common/csv_reader.h"
#include "tasks/model/error_stats.h"
#include "tasks/model/model.h"

namespace tasks {

// What predicting a CSV file found.
struct PredictCsvResult {
  std::int64_t rows = 0;    // records predicted
  bool has_target = false;  // whether the input has the model's target column
  ErrorStats errors;        // against the target, over the rows where it is a finite number
};

// Reads a CSV with a header from `reader` (the model's feature columns by name, in any
// order; other columns ignored) and calls `emit(prediction)` for each record in order.
// Throws DataError for an empty file, a missing feature column (listing the columns), a
// record of the wrong width ("<name>:<line>: expected N fields, found M"), and a bad
// value (see predict_row, with "<name>:<line>" as the row name).
PredictCsvResult predict_csv(const Model& model, common::CsvReader& reader,
                             const std::function<void(double)>& emit);

// predict_csv from `input` into `output`: a CSV with the header "prediction" and one
// shortest round-trip number per input record, written atomically (a failure leaves an
// existing `output` untouched).
// `delimiter` separates the input's fields; the output is always comma-separated.
PredictCsvResult predict_csv_file(const Model& model, const std::filesystem::path& input,
                                  const std::filesystem::path& output, char delimiter = ',');

}  // namespace tasks
