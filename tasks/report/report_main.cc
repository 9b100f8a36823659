// report: renders report.md and its charts from the model document and the data.
#include <boost/json.hpp>
#include <cmath>

#include "common/number.h"
#include "common/task_run.h"
#include "tasks/report/report.h"

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

std::string flag(const po::variables_map& flags, const char* name) {
  return flags.count(name) ? flags[name].as<std::string>() : std::string();
}

json::value json_figure(double v) {
  return std::isfinite(v) ? json::value(v) : json::value(nullptr);
}
std::string csv_figure(double v) { return std::isfinite(v) ? common::format_number(v) : ""; }

common::TaskReport run(common::TaskContext& context) {
  const common::CommonOptions& io = context.options();
  const po::variables_map& flags = context.cli().values();
  tasks::ReportOptions options;
  options.inputs = io.inputs;
  options.model = flag(flags, "model");
  options.data = flag(flags, "data");
  options.output = io.output;
  options.template_path = flag(flags, "template");
  options.notes_path = flag(flags, "notes");

  tasks::ReportResult result =
      tasks::make_report(options, [&](const std::string& step, const std::function<void()>& body) {
        context.with_retry(step, body);
      });

  json::array sections;
  for (const std::string& s : result.sections) sections.push_back(json::value(s));
  context.log().info(
      "inputs",
      "model " + result.inputs.model + ", data " + result.inputs.data + ", template " +
          result.template_source +
          (options.notes_path.empty() ? "" : ", notes " + options.notes_path),
      json::object{{"model", result.inputs.model},
                   {"data", result.inputs.data},
                   {"template", result.template_source},
                   {"notes", options.notes_path.empty() ? json::value(nullptr)
                                                        : json::value(options.notes_path)},
                   {"data_matches_training", result.data_matches_training}});
  context.log().info("sections", std::to_string(result.sections.size()) + " sections rendered",
                     json::object{{"sections", sections}});

  common::TaskReport report;
  report.inputs = result.read;
  report.outputs = result.written;
  report.params =
      json::object{{"template", result.template_source},
                   {"notes", options.notes_path.empty() ? json::value(nullptr)
                                                        : json::value(options.notes_path)}};
  report.metrics = json::object{{"rows", result.rows},
                                {"rows_test", result.rows_test},
                                {"rmse_test", json_figure(result.rmse_test)},
                                {"rmse_baseline_test", json_figure(result.baseline_rmse_test)},
                                {"sections", sections},
                                {"charts", 2}};
  report.metric_columns = {"rows",     "rows_test", "rmse_test", "rmse_baseline_test",
                           "sections", "charts"};
  report.metric_values = {std::to_string(result.rows),
                          std::to_string(result.rows_test),
                          csv_figure(result.rmse_test),
                          csv_figure(result.baseline_rmse_test),
                          std::to_string(result.sections.size()),
                          "2"};
  report.summary = "rendered " + std::to_string(result.sections.size()) +
                   " sections and 2 charts -> " + options.output.string();
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  common::ProgramInfo info;
  info.name = "report";
  info.summary = "render a Markdown report with SVG charts from a model document and its data";
  info.usage = "report --input trained.pkl --input clean.csv --output report.md [options]";
  info.example = "report --input trained.pkl --input clean.csv --output report.md --notes notes.md";
  info.epilogue =
      "The two inputs are told apart by content (the JSON one is the model); --model and\n"
      "--data name them explicitly. The template is --template, else\n"
      "templates/report.md.mustache in the current directory, else the built-in copy.\n"
      "Charts are written beside the report: <name>_pred_vs_actual.svg, <name>_residuals.svg.\n\n"
      "Exit codes: 0 ok, 64 bad flags, 65 bad data, model document or template, 66 input\n"
      "missing, 73 cannot create output, 74 I/O error.";
  info.input_options = {"model", "data", "template", "notes"};  // an --output naming one is refused
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()("model", po::value<std::string>(),
                              "the model document (instead of telling by content)")(
            "data", po::value<std::string>(), "the data CSV (instead of telling by content)")(
            "template", po::value<std::string>(), "Mustache template (default: see below)")(
            "notes", po::value<std::string>(),
            "Markdown file included verbatim in the Notes section");
      },
      run);
}
