// train: fits the ridge model of SPEC section 4 and writes the model document.
#include <boost/json.hpp>
#include <cmath>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/number.h"
#include "common/task_run.h"
#include "tasks/model/model.h"
#include "tasks/train/train.h"

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

// A metric for the log (null when undefined) and for the metrics CSV (empty when undefined).
json::value json_figure(double v) {
  return std::isfinite(v) ? json::value(v) : json::value(nullptr);
}
std::string csv_figure(double v) { return std::isfinite(v) ? common::format_number(v) : ""; }

common::TaskReport run(common::TaskContext& context) {
  const common::CommonOptions& io = context.options();
  const po::variables_map& flags = context.cli().values();
  if (io.inputs.size() != 1) {
    throw common::UsageError("expected one --input (the cleaned CSV), got " +
                             std::to_string(io.inputs.size()) + " (see train --help)");
  }
  if (io.output.empty())
    throw common::UsageError("missing --output (the model document to write; see train --help)");
  if (!flags.count("target")) {
    throw common::UsageError(
        "missing --target NAME (the numeric column to predict; see train --help)");
  }
  tasks::TrainOptions options;
  options.input = io.inputs[0];
  options.target = flags["target"].as<std::string>();
  tasks::Hyperparameters& h = options.hyperparameters;
  h.alpha = tasks::parse_alpha(flags["alpha"].as<std::string>());
  h.seed = tasks::parse_seed(flags["seed"].as<std::string>());
  h.test_fraction = tasks::parse_test_fraction(flags["test-fraction"].as<std::string>());

  json::object params{{"target", options.target},
                      {"alpha", h.alpha},
                      {"seed", h.seed},
                      {"test_fraction", h.test_fraction}};
  context.log().info("hyperparameters",
                     "alpha " + common::format_number(h.alpha) + ", seed " +
                         std::to_string(h.seed) + ", test fraction " +
                         common::format_number(h.test_fraction) + ", target " + options.target,
                     params);

  tasks::TrainResult result = tasks::train(options);
  const tasks::Model& model = result.model;
  const tasks::ModelMetrics& m = model.metrics;

  json::array numeric;
  json::object categorical;
  for (const tasks::Feature& f : model.features) {
    if (f.type == tasks::FeatureType::kNumeric) {
      numeric.push_back(json::value(f.name));
    } else {
      categorical[f.name] = f.categories.size();
    }
  }
  context.log().info("schema",
                     std::to_string(model.training_data.rows) +
                         " rows: " + std::to_string(m.train.rows) + " training, " +
                         std::to_string(m.test.rows) + " test; " + std::to_string(result.width) +
                         " design columns",
                     json::object{{"rows", model.training_data.rows},
                                  {"rows_train", m.train.rows},
                                  {"rows_test", m.test.rows},
                                  {"numeric_features", numeric},
                                  {"categorical_features", categorical},
                                  {"design_columns", result.width},
                                  {"passes", result.passes}});
  context.log().info(
      "solve",
      "solved with " + result.solver + " (rank " + std::to_string(result.rank) + " of " +
          std::to_string(result.width) + ")",
      json::object{
          {"solver", result.solver}, {"rank", result.rank}, {"design_columns", result.width}});

  common::write_file_atomically(io.output, tasks::model_document(model));

  common::TaskReport report;
  report.inputs = {options.input.string()};
  report.outputs = {io.output};
  report.params = params;
  report.metrics = json::object{
      {"alpha", h.alpha},
      {"seed", h.seed},
      {"test_fraction", h.test_fraction},
      {"rows", model.training_data.rows},
      {"rows_train", m.train.rows},
      {"rows_test", m.test.rows},
      {"rmse_test", json_figure(m.test.rmse)},
      {"mae_test", json_figure(m.test.mae)},
      {"r2_test", json_figure(m.test.r2)},
      {"rmse_train", json_figure(m.train.rmse)},
      {"mae_train", json_figure(m.train.mae)},
      {"r2_train", json_figure(m.train.r2)},
      {"rmse_baseline_test", json_figure(m.baseline_test_rmse)},
  };
  report.metric_columns = {
      "rows",          "rows_train", "rows_test",         "alpha",   "seed",
      "test_fraction", "rmse_test",  "mae_test",          "r2_test", "rmse_train",
      "mae_train",     "r2_train",   "rmse_baseline_test"};
  report.metric_values = {std::to_string(model.training_data.rows),
                          std::to_string(m.train.rows),
                          std::to_string(m.test.rows),
                          common::format_number(h.alpha),
                          std::to_string(h.seed),
                          common::format_number(h.test_fraction),
                          csv_figure(m.test.rmse),
                          csv_figure(m.test.mae),
                          csv_figure(m.test.r2),
                          csv_figure(m.train.rmse),
                          csv_figure(m.train.mae),
                          csv_figure(m.train.r2),
                          csv_figure(m.baseline_test_rmse)};
  report.summary =
      "trained on " + std::to_string(m.train.rows) + " rows; " +
      (m.test.rows == 0 ? std::string("no test rows")
                        : "test RMSE " + csv_figure(m.test.rmse) + ", R2 " + csv_figure(m.test.r2) +
                              " (" + std::to_string(m.test.rows) + " test rows)") +
      " -> " + io.output;
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  common::ProgramInfo info;
  info.name = "train";
  info.summary = "fit a ridge regression on a cleaned CSV and write the model document";
  info.usage = "train --input clean.csv --output trained.pkl --target NAME [options]";
  info.example =
      "train --input clean.csv --output trained.pkl --target median_house_value --alpha 1.0";
  info.epilogue =
      "Numeric columns are standardized, the others one-hot encoded; row i is a test row iff\n"
      "splitmix64(seed + i) / 2^64 < test fraction. The output is JSON (docs/model.md).\n\n"
      "Exit codes: 0 ok, 64 bad flags, 65 bad data (missing or non-numeric target, null value,\n"
      "ragged row, no training rows), 66 input missing, 73 cannot create output, 74 I/O error.";
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()("target", po::value<std::string>(),
                              "column to predict (required, numeric)")(
            "alpha", po::value<std::string>()->default_value("1.0"),
            "ridge penalty, >= 0 (0: least squares)")("seed",
                                                      po::value<std::string>()->default_value("42"),
                                                      "split seed, an unsigned 64-bit integer")(
            "test-fraction", po::value<std::string>()->default_value("0.2"),
            "share of rows held out, in [0, 1)");
      },
      run);
}
