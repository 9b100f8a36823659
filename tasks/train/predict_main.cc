// predict: applies a model document to the rows of a CSV (the prediction service's code).
#include <boost/json.hpp>
#include <cmath>

#include "common/csv_columns.h"
#include "common/error.h"
#include "common/number.h"
#include "common/task_run.h"
#include "tasks/model/model.h"
#include "tasks/model/predict_csv.h"

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

std::string csv_figure(double v) { return std::isfinite(v) ? common::format_number(v) : ""; }

common::TaskReport run(common::TaskContext& context) {
  const common::CommonOptions& io = context.options();
  const po::variables_map& flags = context.cli().values();
  if (!flags.count("model"))
    throw common::UsageError("missing --model FILE (the model document; see predict --help)");
  if (io.inputs.size() != 1) {
    throw common::UsageError("expected one --input (the rows to predict), got " +
                             std::to_string(io.inputs.size()) + " (see predict --help)");
  }
  if (io.output.empty())
    throw common::UsageError("missing --output (the predictions CSV; see predict --help)");
  std::string model_path = flags["model"].as<std::string>();

  tasks::Model model = tasks::load_model(model_path);
  char delimiter = common::parse_delimiter(flags["delimiter"].as<std::string>());
  tasks::PredictCsvResult result =
      tasks::predict_csv_file(model, io.inputs[0], io.output, delimiter);

  common::TaskReport report;
  report.inputs = {model_path, io.inputs[0]};
  report.outputs = {io.output};
  report.params = json::object{{"model", model_path}, {"delimiter", std::string(1, delimiter)}};
  report.metrics = json::object{{"rows", result.rows}, {"scored_rows", result.errors.count()}};
  if (result.errors.count() > 0) {
    report.metrics["rmse"] = result.errors.rmse();
    report.metrics["mae"] = result.errors.mae();
  }
  report.metric_columns = {"rows", "scored_rows", "rmse", "mae"};
  report.metric_values = {std::to_string(result.rows), std::to_string(result.errors.count()),
                          csv_figure(result.errors.rmse()), csv_figure(result.errors.mae())};
  report.summary = "predicted " + std::to_string(result.rows) + " rows -> " + io.output;
  if (result.errors.count() > 0) {
    report.summary +=
        " (RMSE " + csv_figure(result.errors.rmse()) + " against \"" + model.target + "\")";
  }
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  common::ProgramInfo info;
  info.name = "predict";
  info.summary = "predict with a model document over the rows of a CSV file";
  info.usage = "predict --model trained.pkl --input rows.csv --output predictions.csv";
  info.example = "predict --model trained.pkl --input clean.csv --output predictions.csv";
  info.epilogue =
      "The input needs a header with every feature column of the model (any order; other\n"
      "columns are ignored). The output has the header \"prediction\" and one row per input row.\n"
      "When the input holds the model's target, the log records RMSE and MAE against it.\n\n"
      "Exit codes: 0 ok, 64 bad flags, 65 bad data or model document, 66 input missing,\n"
      "73 cannot create output, 74 I/O error.";
  info.input_options = {"model"};  // an --output naming it is refused
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()("model", po::value<std::string>(),
                              "model document written by train (required)")(
            "delimiter", po::value<std::string>()->default_value(","),
            "field delimiter of the input (one character, or \\t); the output uses commas");
      },
      run);
}
