#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "tasks/model/model.h"

namespace tasks {

struct TrainOptions {
  std::filesystem::path input;      // the cleaned CSV
  std::string target;               // the column to predict (numeric)
  Hyperparameters hyperparameters;  // alpha, seed, test fraction
};

// Parses the flags' text. Throws UsageError naming the flag, e.g.
// "invalid --alpha -1: expected a number >= 0",
// "invalid --test-fraction 1.5: expected a number in [0, 1)",
// "invalid --seed x: expected an integer in [0, 18446744073709551615]".
double parse_alpha(const std::string& text);
double parse_test_fraction(const std::string& text);
std::uint64_t parse_seed(const std::string& text);

// What training did besides producing the model.
struct TrainResult {
  Model model;            // the document's content (training_data.sha256 filled in)
  int passes = 0;         // passes over the data (2; 3 when a column's type showed late)
  std::string solver;     // "ldlt" or "complete_orthogonal_decomposition"
  std::int64_t rank = 0;  // numerical rank of the system solved
  std::size_t width = 0;  // design columns
};

// Fits the ridge model of SPEC section 4 on options.input in streaming passes (memory
// independent of the row count): a scan for types, categories and sufficient statistics
// (data_scan.h), an Eigen solve (ridge.h), and an evaluation pass for the metrics.
// The file's sha256 is computed on another thread meanwhile. Throws DataError (65) for
// bad data (see scan_data) and when no row falls in the training split.
TrainResult train(const TrainOptions& options);

}  // namespace tasks
