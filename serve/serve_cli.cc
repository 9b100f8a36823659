#include "serve/serve_cli.h"

#include <unistd.h>

#include <cmath>
#include <iostream>
#include <optional>

#include "common/cli.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/number.h"
#include "common/run_main.h"
#include "serve/server.h"
#include "tasks/save/deployment_identity.h"
#include "tasks/save/service_record.h"

namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace serve {

namespace {

std::chrono::milliseconds seconds_flag(const po::variables_map& values, const char* name) {
  double s = values[name].as<double>();
  if (!(s > 0) || !std::isfinite(s)) {
    throw common::UsageError(std::string("invalid --") + name + " " + common::format_number(s) +
                             ": expected a positive number of seconds");
  }
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(s * 1000)));
}

template <typename T>
T positive_flag(const po::variables_map& values, const char* name, const char* what) {
  T value = values[name].as<T>();
  if (value == 0) {
    throw common::UsageError(std::string("invalid --") + name + " 0: expected a positive " + what);
  }
  return value;
}
// This process as its deployment's service in <deploy dir>/serve.json
// (tasks/save/service_record.h), written once the port is bound and before any request is
// answered, so the deploy directory knows its service whoever started it and whatever
// became of them; removed on exit when it still names this process. A deployment has one
// service: when the record names another live serve of it, this one serves unregistered
// (save does not take it for the deployment's) and says so.
class Registration {
 public:
  Registration(const tasks::DeploymentIdentity& identity, const std::string& host,
               unsigned short port)
      : dir_(identity.dir) {
    tasks::remove_stale_service_record_temps(dir_);
    std::optional<tasks::ServiceRecord> other = tasks::read_service_record(dir_);
    if (other && other->pid != ::getpid() && tasks::serves_deployment(other->pid, dir_)) {
      std::cerr << "serve: not registered in " << common::service_record_path(dir_).string()
                << ": the deployment's service is pid " << other->pid << " at " << other->url
                << std::endl;
      return;
    }
    std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    tasks::write_service_record(
        dir_, {::getpid(), host, port, "http://" + shown + ":" + std::to_string(port),
               identity.dir.string(), identity.id});
    registered_ = true;
  }
  ~Registration() {
    if (registered_) tasks::remove_service_record(dir_, ::getpid());
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  std::filesystem::path dir_;
  bool registered_ = false;
};

int run(int argc, char** argv) {
  common::ProgramInfo info;
  info.name = "serve";
  info.summary = "answer predictions over HTTP with a deployed model";
  info.usage = "serve (--deploy-dir DIR | --model FILE) [--host 127.0.0.1] [--port 8765] [options]";
  info.example = "serve --deploy-dir deploy --port 8765 --pid-file deploy/serve.pid";
  info.epilogue =
      "Endpoints: GET /health, GET /model, POST /predict (application/json: one object or an\n"
      "array of objects; text/csv with a header row). SIGHUP reloads the model "
      "(deploy-dir/current\n"
      "or the --model file) without dropping requests; SIGTERM stops accepting, finishes the\n"
      "requests under way and exits 0 (SIGINT: 130). Access log: <log-dir>/serve.log (JSONL).\n\n"
      "Exit codes: 0 stopped by SIGTERM, 64 usage, 65 bad model document, 66 nothing deployed or\n"
      "model missing, 74 I/O error, 75 port in use, 130 stopped by SIGINT.";
  info.has_io = false;
  common::Cli cli(info);
  cli.options().add_options()("deploy-dir", po::value<std::string>(),
                              "serve <DIR>/current (reloaded on SIGHUP)")(
      "model", po::value<std::string>(), "serve this model document instead")(
      "host", po::value<std::string>()->default_value("127.0.0.1"), "address to listen on")(
      "port", po::value<int>()->default_value(8765), "port to listen on (0: any free port)")(
      "pid-file", po::value<std::string>(), "write the pid here once serving; removed on exit")(
      "threads", po::value<int>()->default_value(2), "I/O threads")(
      "prediction-threads", po::value<int>()->default_value(2),
      "threads computing predictions of bodies over 16 KiB")(
      "body-limit", po::value<std::uint64_t>()->default_value(8u << 20),
      "largest request body in bytes (413 above)")(
      "body-budget", po::value<std::uint64_t>()->default_value(256u << 20),
      "bytes of request bodies all connections may hold at once (503 above)")(
      "max-connections", po::value<std::size_t>()->default_value(512),
      "open connections at most (the oldest idle one is closed for a new one)")(
      "max-requests-per-connection", po::value<std::uint64_t>()->default_value(1000),
      "requests one kept-alive connection may carry")("max-connection-age",
                                                      po::value<double>()->default_value(300),
                                                      "seconds one kept-alive connection may live")(
      "read-timeout", po::value<double>()->default_value(10),
      "seconds for a started request to arrive whole (408)")(
      "idle-timeout", po::value<double>()->default_value(30),
      "seconds a kept-alive connection may wait idle")(
      "drain-timeout", po::value<double>()->default_value(10),
      "seconds requests under way get after SIGTERM");
  if (!cli.parse(argc, argv)) return 0;
  const po::variables_map& values = cli.values();

  serve::ServerOptions options;
  bool has_deploy = values.count("deploy-dir") > 0;
  bool has_model = values.count("model") > 0;
  if (has_deploy == has_model) {
    throw common::UsageError(
        "expected exactly one of --deploy-dir DIR and --model FILE (see serve --help)");
  }
  if (has_deploy) options.source.deploy_dir = values["deploy-dir"].as<std::string>();
  if (has_model) options.source.model_file = values["model"].as<std::string>();
  options.host = values["host"].as<std::string>();
  int port = values["port"].as<int>();
  if (port < 0 || port > 65535)
    throw common::UsageError("invalid --port " + std::to_string(port) + ": expected 0-65535");
  options.port = static_cast<unsigned short>(port);
  if (values.count("pid-file")) options.pid_file = values["pid-file"].as<std::string>();
  options.threads = values["threads"].as<int>();
  if (options.threads < 1 || options.threads > 256) {
    throw common::UsageError("invalid --threads " + std::to_string(options.threads) +
                             ": expected 1-256");
  }
  options.prediction_threads = values["prediction-threads"].as<int>();
  if (options.prediction_threads < 1 || options.prediction_threads > 256) {
    throw common::UsageError("invalid --prediction-threads " +
                             std::to_string(options.prediction_threads) + ": expected 1-256");
  }
  options.body_limit = positive_flag<std::uint64_t>(values, "body-limit", "number of bytes");
  options.body_budget = positive_flag<std::uint64_t>(values, "body-budget", "number of bytes");
  options.max_connections = positive_flag<std::size_t>(values, "max-connections", "number");
  options.max_requests_per_connection =
      positive_flag<std::uint64_t>(values, "max-requests-per-connection", "number");
  options.max_connection_age = seconds_flag(values, "max-connection-age");
  options.read_timeout = seconds_flag(values, "read-timeout");
  options.idle_timeout = seconds_flag(values, "idle-timeout");
  options.drain_timeout = seconds_flag(values, "drain-timeout");
  options.log_dir = cli.common().log_dir;
  options.run_id = cli.common().run_id;

  // The identity /health reports. A directory with nothing deployed is left to the Server
  // to report.
  std::optional<tasks::DeploymentIdentity> identity;
  std::error_code ec;
  if (has_deploy && fs::exists(fs::symlink_status(options.source.deploy_dir / "current", ec))) {
    identity = tasks::deployment_identity(options.source.deploy_dir);
    options.identity = {identity->dir.string(), identity->id};
  }
  std::string host = options.host;
  serve::Server server(std::move(options));
  std::optional<Registration> registration;
  if (identity) registration.emplace(*identity, host, server.port());
  return server.run();
}

}  // namespace

int serve_main(int argc, char** argv) {
  return common::run_main("serve", [&] { return run(argc, argv); });
}

}  // namespace serve
