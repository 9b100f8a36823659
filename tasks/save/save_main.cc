#include <boost/json.hpp>

#include "common/error.h"
#include "common/number.h"
#include "common/task_run.h"
#include "tasks/save/save.h"

namespace po = boost::program_options;
namespace json = boost::json;

int main(int argc, char** argv) {
  common::ProgramInfo info{
      "save",
      "persist the model in a content-addressed store, deploy it, and write the service marker",
      "save --input trained.pkl --output flask_api_running.txt [options]\n"
      "       save --rollback [--output flask_api_running.txt] [options]",
      "save --input trained.pkl --output flask_api_running.txt --deploy-dir deploy",
      "A model whose test RMSE is more than --max-regression worse than the deployed one is\n"
      "refused (exit 77) until a person approves it with --approve.\n\n"
      "Exit codes: 0 ok, 64 usage, 65 bad model document or nothing to roll back to,\n"
      "66 input missing, 73 cannot create output, 74 I/O error, 75 temporary failure,\n"
      "77 refused by the quality gate."};
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()("deploy-dir", po::value<std::string>()->default_value("deploy"),
                              "deployment directory (models/, current, history.jsonl)")(
            "approve", "deploy even when the quality gate refuses (a person signed off)")(
            "max-regression", po::value<double>()->default_value(0.05),
            "allowed relative test-RMSE regression against the deployed model")(
            "rollback", "point current back at the previously deployed model")(
            "no-serve", "persist without starting or reloading a prediction service");
      },
      [](common::TaskContext& context) {
        const common::CommonOptions& common_options = context.options();
        const auto& values = context.cli().values();
        tasks::SaveOptions options;
        options.deploy_dir = values["deploy-dir"].as<std::string>();
        options.approve = values.count("approve") > 0;
        options.max_regression = values["max-regression"].as<double>();
        if (!(options.max_regression >= 0)) {
          throw common::UsageError("invalid --max-regression " +
                                   common::format_number(options.max_regression) + ": expected >= 0");
        }
        options.marker = common_options.output;
        bool rollback = values.count("rollback") > 0;
        if (rollback && !common_options.inputs.empty()) {
          throw common::UsageError("--rollback takes no --input");
        }
        if (!rollback) {
          if (common_options.inputs.size() != 1) throw common::UsageError("expected exactly one --input trained.pkl");
          if (common_options.output.empty()) throw common::UsageError("missing --output PATH");
          options.model = common_options.inputs[0];
        }

        tasks::SaveResult result = rollback ? tasks::rollback_model(options, context)
                                            : tasks::save_model(options, context);

        common::TaskReport report;
        if (!rollback) report.inputs.push_back(options.model.string());
        if (!options.marker.empty()) report.outputs.push_back(options.marker.string());
        report.params = json::object{{"deploy_dir", options.deploy_dir.string()},
                                     {"approve", options.approve},
                                     {"max_regression", options.max_regression},
                                     {"rollback", rollback},
                                     {"serve", false}};
        std::string artifact = (options.deploy_dir / "models" / (result.sha256 + ".json")).string();
        report.metrics = json::object{{"artifact", artifact},
                                      {"model_sha256", result.sha256},
                                      {"previous_sha256", result.previous},
                                      {"action", result.action},
                                      {"deploy_status", "persisted (no service)"},
                                      {"quality_gate", result.gate}};
        context.log().info("deploy", result.action + " " + artifact, report.metrics);
        report.metric_columns = {"action", "model_sha256", "previous_sha256", "duration_s"};
        report.metric_values = {result.action, result.sha256, result.previous,
                                common::format_number(context.log().elapsed_s())};
        report.summary = result.action + " model " + result.sha256.substr(0, 12) + " (" + artifact +
                         "); no service started";
        return report;
      });
}
