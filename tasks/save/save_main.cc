#include <boost/json.hpp>
#include <cmath>

#include "common/error.h"
#include "common/number.h"
#include "common/task_run.h"
#include "tasks/save/save.h"

namespace po = boost::program_options;
namespace json = boost::json;

namespace {

enum class Mode { kDeploy, kRollback, kStop, kRelease };

const char* mode_flag(Mode mode) {
  return mode == Mode::kStop ? "--stop" : mode == Mode::kRelease ? "--release" : "--rollback";
}

tasks::SaveOptions parse_options(const common::TaskContext& context, Mode mode) {
  const common::CommonOptions& io = context.options();
  const po::variables_map& values = context.cli().values();
  tasks::SaveOptions options;
  options.deploy_dir = values["deploy-dir"].as<std::string>();
  options.approve = values.count("approve") > 0;
  options.max_regression = values["max-regression"].as<double>();
  if (!(options.max_regression >= 0)) {
    throw common::UsageError("invalid --max-regression " +
                             common::format_number(options.max_regression) + ": expected >= 0");
  }
  options.serve = values.count("no-serve") ? tasks::ServeMode::kNoServe : tasks::ServeMode::kServe;
  options.address.host = values["host"].as<std::string>();
  options.address.port = values["port"].as<int>();
  if (options.address.port < 0 || options.address.port > 65535) {
    throw common::UsageError("invalid --port " + std::to_string(options.address.port) +
                             ": expected 0-65535 (0: any free port)");
  }
  double timeout = values["serve-timeout"].as<double>();
  if (!(timeout > 0) || !std::isfinite(timeout)) {
    throw common::UsageError("invalid --serve-timeout " + common::format_number(timeout) +
                             ": expected a positive number of seconds");
  }
  options.serve_timeout =
      std::chrono::milliseconds(static_cast<long long>(std::ceil(timeout * 1000)));
  options.marker = io.output;
  if (mode != Mode::kDeploy && !io.inputs.empty()) {
    throw common::UsageError(std::string(mode_flag(mode)) + " takes no --input");
  }
  if ((mode == Mode::kStop || mode == Mode::kRelease) &&
      options.serve == tasks::ServeMode::kNoServe) {
    throw common::UsageError(std::string(mode_flag(mode)) + " and --no-serve do not go together");
  }
  if (mode == Mode::kRelease && !io.output.empty()) {
    throw common::UsageError("--release takes no --output (it leaves the marker alone)");
  }
  if (mode == Mode::kDeploy) {
    if (io.inputs.size() != 1) throw common::UsageError("expected exactly one --input trained.pkl");
    if (io.output.empty()) throw common::UsageError("missing --output PATH");
    options.model = io.inputs[0];
  }
  return options;
}

std::string deploy_status(const tasks::SaveResult& result) {
  if (result.action == "release") return result.released ? "released" : "not pinned";
  if (result.service == "stopped") return "stopped";
  if (result.service == "none")
    return result.action == "stop" ? "no service" : "persisted (no service)";
  return "serving at " + result.url + " (" + result.service + ")";
}

common::TaskReport run(common::TaskContext& context) {
  const po::variables_map& values = context.cli().values();
  if (values.count("rollback") + values.count("stop") + values.count("release") > 1) {
    throw common::UsageError("--rollback, --stop and --release do not go together");
  }
  Mode mode = values.count("stop")       ? Mode::kStop
              : values.count("rollback") ? Mode::kRollback
              : values.count("release")  ? Mode::kRelease
                                         : Mode::kDeploy;
  tasks::SaveOptions options = parse_options(context, mode);

  tasks::SaveResult result = mode == Mode::kStop       ? tasks::stop_service(options, context)
                             : mode == Mode::kRollback ? tasks::rollback_model(options, context)
                             : mode == Mode::kRelease  ? tasks::release_pin(options, context)
                                                       : tasks::save_model(options, context);

  common::TaskReport report;
  if (mode == Mode::kDeploy) report.inputs.push_back(options.model.string());
  if (!options.marker.empty() && mode != Mode::kStop && mode != Mode::kRelease)
    report.outputs.push_back(options.marker.string());
  report.params = json::object{{"deploy_dir", options.deploy_dir.string()},
                               {"approve", options.approve},
                               {"max_regression", options.max_regression},
                               {"rollback", mode == Mode::kRollback},
                               {"stop", mode == Mode::kStop},
                               {"release", mode == Mode::kRelease},
                               {"serve", options.serve == tasks::ServeMode::kServe},
                               {"url", options.address.url()}};
  std::string artifact = result.sha256.empty()
                             ? ""
                             : (options.deploy_dir / "models" / (result.sha256 + ".json")).string();
  report.metrics = json::object{{"artifact", artifact},
                                {"model_sha256", result.sha256},
                                {"previous_sha256", result.previous},
                                {"action", result.action},
                                {"deploy_status", deploy_status(result)},
                                {"url", result.url},
                                {"service", result.service},
                                {"service_pid", result.service_pid},
                                {"quality_gate", result.gate}};
  context.log().info("deploy", result.action + " " + artifact + ": " + deploy_status(result),
                     report.metrics);
  report.metric_columns = {"action", "model_sha256", "previous_sha256", "duration_s"};
  report.metric_values = {result.action, result.sha256, result.previous,
                          common::format_number(context.log().elapsed_s())};
  if (mode == Mode::kRelease) {
    const std::optional<common::ServicePin>& pin = result.released;
    report.summary = !pin ? options.deploy_dir.string() + " was not pinned"
                          : "released the pin of " + options.deploy_dir.string() + " on model " +
                                pin->sha256.substr(0, 12) + " (set by " + pin->by + " at " +
                                pin->ts + ": " + pin->reason + "); save deploys other models again";
  } else if (mode == Mode::kStop) {
    report.summary = result.service == "stopped"
                         ? "stopped the service at " + result.url + " (pid " +
                               std::to_string(result.service_pid) + ")"
                         : "no service was running for " + options.deploy_dir.string();
  } else {
    report.summary = result.action + " model " + result.sha256.substr(0, 12) + " (" + artifact +
                     "); " +
                     (result.service == "none" ? "no service started" : deploy_status(result));
  }
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  common::ProgramInfo info{
      "save",
      "persist the model in a content-addressed store, deploy it to the prediction service, and "
      "write the marker",
      "save --input trained.pkl --output flask_api_running.txt [options]\n"
      "       save --rollback [--output flask_api_running.txt] [options]\n"
      "       save --stop [--output flask_api_running.txt] [options]\n"
      "       save --release [options]",
      "save --input trained.pkl --output flask_api_running.txt --deploy-dir deploy --port 8765",
      "save starts `serve` (beside this program) detached when none runs for the deploy\n"
      "directory, otherwise reloads it (SIGHUP), and writes the marker only once /health\n"
      "reports the new model. If the service does not come up, no marker is written and\n"
      "deploy/current points where it did before (exit 75).\n"
      "A model whose test RMSE is more than --max-regression worse than the deployed one is\n"
      "refused (exit 77) until a person approves it with --approve.\n"
      "save --rollback pins the deployment to the model it returns to: save refuses any other\n"
      "model (exit 77) until a person releases the pin with save --release.\n"
      "The service answers /health with its deployment's identity; save deploys only to the\n"
      "service its deploy directory owns. --port 0 lets serve pick a free port (the marker\n"
      "and deploy/serve.json record the URL).\n\n"
      "Exit codes: 0 ok, 64 usage, 65 bad model document or nothing to roll back to,\n"
      "66 input missing, 70 serve program missing, 73 cannot create output, 74 I/O error,\n"
      "75 the service did not come up, or its port is held by another program or deployment\n"
      "(or another temporary failure), 77 refused by the quality gate or by a pin."};
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()("deploy-dir", po::value<std::string>()->default_value("deploy"),
                              "deployment directory (models/, current, history.jsonl, serve.pid)")(
            "approve", "deploy even when the quality gate refuses (a person signed off)")(
            "max-regression", po::value<double>()->default_value(0.05, "0.05"),
            "allowed relative test-RMSE regression against the deployed model")(
            "rollback",
            "point current back at the previously deployed model and reload the service")(
            "stop", "stop the deploy directory's service (and remove the --output marker)")(
            "release", "release the pin a rollback set, so that save deploys other models again")(
            "no-serve", "persist without starting or reloading a prediction service")(
            "host", po::value<std::string>()->default_value("127.0.0.1"),
            "address a started service listens on")(
            "port", po::value<int>()->default_value(8765),
            "port a started service listens on (0: any free port)")(
            "serve-timeout", po::value<double>()->default_value(10),
            "seconds (per try, 3 tries) for the service to report the new model");
      },
      run);
}
