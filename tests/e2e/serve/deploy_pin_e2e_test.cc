// End-to-end tests of the pin a rollback sets (docs/deploy.md, "The pin"): save refuses
// another model with exit 77 naming who pinned what, when, and how to release it; the
// history records rollback, pin and release; driver status says why save will not deploy.
#include <catch2/catch.hpp>

#include "common/filenames.h"
#include "common/service_pin.h"
#include "tests/e2e/serve/deployment_fixture.h"

namespace fs = std::filesystem;
using serve_test::Deployment;
using serve_test::last_line;
using serve_test::short_sha;

namespace {

// Deploys good, then other, then rolls back to good.
void deploy_and_roll_back(Deployment& d) {
  const auto& m = serve_test::models();
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  REQUIRE(d.deploy_model(m.other()).exit_code == 0);
  test_util::ProcessResult r = d.save({"--rollback", "--output", d.marker.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("after a rollback save refuses another model with 77 naming the pin and its release",
          "[save][serve][e2e][pin]") {
  const auto& m = serve_test::models();
  Deployment d;
  deploy_and_roll_back(d);
  std::optional<common::ServicePin> pin = common::read_pin(d.deploy);
  REQUIRE(pin.has_value());
  CHECK(pin->sha256 == serve_test::file_sha256(m.good()));
  CHECK(pin->by == common::current_user());
  CHECK(pin->reason == "rollback from " + short_sha(m.other()));
  std::string release = "save --release --deploy-dir " + fs::canonical(d.deploy).string();
  CHECK(pin->release == release);

  test_util::ProcessResult refused = d.deploy_model(m.other());
  CHECK(refused.exit_code == 77);
  CHECK(last_line(refused.err) == "save: refusing to deploy " + m.other().string() + " (model " +
                                      short_sha(m.other()) + "): " + d.deploy.string() +
                                      " is pinned to model " + short_sha(m.good()) + " by " +
                                      pin->by + " at " + pin->ts + " (rollback from " +
                                      short_sha(m.other()) + "); release it with: " + release);
  CHECK(d.health().find(serve_test::file_sha256(m.good())) != std::string::npos);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));
  CHECK(d.deploy_model(m.other(), {"--approve"}).exit_code ==
        77);                                       // the gate's approval is not a release
  CHECK(d.deploy_model(m.good()).exit_code == 0);  // the pinned model itself is fine
}

TEST_CASE("save --release lifts the pin, the history records rollback, pin and release",
          "[save][serve][e2e][pin]") {
  const auto& m = serve_test::models();
  Deployment d;
  deploy_and_roll_back(d);
  std::string ts = common::read_pin(d.deploy)->ts;
  test_util::ProcessResult released = d.save({"--release"});
  CHECK(released.exit_code == 0);
  CHECK(last_line(released.err) == "save: released the pin of " + d.deploy.string() + " on model " +
                                       short_sha(m.good()) + " (set by " + common::current_user() +
                                       " at " + ts + ": rollback from " + short_sha(m.other()) +
                                       "); save deploys other models again");
  CHECK_FALSE(fs::exists(common::pin_path(d.deploy)));
  std::vector<std::string> history = test_util::read_lines(d.deploy / "history.jsonl");
  REQUIRE(history.size() == 5);
  std::string good = serve_test::file_sha256(m.good());
  std::string by = "\"by\":\"" + common::current_user() + "\"";
  CHECK(history[2].find("\"action\":\"rollback\",\"sha256\":\"" + good + "\"") !=
        std::string::npos);
  CHECK(history[3].find("\"action\":\"pin\",\"sha256\":\"" + good + "\"") != std::string::npos);
  CHECK(history[3].find(by) != std::string::npos);
  CHECK(history[4].find("\"action\":\"release\",\"sha256\":\"" + good + "\"") != std::string::npos);
  CHECK(history[4].find(by) != std::string::npos);

  test_util::ProcessResult deployed = d.deploy_model(m.other());
  CHECK(deployed.exit_code == 0);
  CHECK(d.health().find(serve_test::file_sha256(m.other())) != std::string::npos);
  CHECK(last_line(d.save({"--release"}).err) == "save: " + d.deploy.string() + " was not pinned");
}

TEST_CASE("a rollback whose service does not come up leaves no pin", "[save][serve][e2e][pin]") {
  const auto& m = serve_test::models();
  Deployment d;
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  REQUIRE(d.deploy_model(m.other()).exit_code == 0);
  test_util::ProcessResult r = d.save({"--rollback", "--output", d.marker.string()},
                                      {{"PIPELINE_FAILPOINTS", "save.serve=3"}});
  CHECK(r.exit_code == 75);
  CHECK_FALSE(fs::exists(common::pin_path(d.deploy)));
  CHECK(d.deploy_model(m.other()).exit_code == 0);
}

TEST_CASE("driver status says that save will refuse another model while the deployment is pinned",
          "[save][serve][e2e][pin][driver]") {
  const auto& m = serve_test::models();
  test_util::TempDir project;
  fs::path work = project / "work";
  fs::create_directories(work);
  serve_test::ServiceGuard guard(work / "deploy");
  int port = test_util::free_port();
  test_util::write_text(
      project / "dag.json",
      R"({"version": 1, "workdir": "work", "tasks": [{"name": "save", "cmd": ["save", "--input",
      "trained.pkl", "--output", "flask_api_running.txt", "--port", ")" +
          std::to_string(port) + R"("], "inputs": ["trained.pkl"],
      "outputs": ["flask_api_running.txt"], "service_pid_file": "deploy/serve.pid"}]})");
  std::vector<std::string> driver = {test_util::bin("driver").string()};
  auto run_driver = [&](const std::string& command) {
    std::vector<std::string> argv = driver;
    argv.push_back(command);
    return test_util::run_process(argv, project.path(), {{"NO_COLOR", "1"}});
  };
  fs::copy_file(m.good(), work / "trained.pkl");
  REQUIRE(run_driver("run").exit_code == 0);
  fs::copy_file(m.other(), work / "trained.pkl", fs::copy_options::overwrite_existing);
  REQUIRE(run_driver("run").exit_code == 0);
  test_util::ProcessResult rollback =
      test_util::run_process({test_util::bin("save").string(), "--rollback", "--output",
                              "flask_api_running.txt", "--port", std::to_string(port)},
                             work);
  REQUIRE(rollback.exit_code == 0);
  std::optional<common::ServicePin> pin = common::read_pin(work / "deploy");
  REQUIRE(pin.has_value());

  test_util::ProcessResult status = run_driver("status");
  INFO(status.out << status.err);
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("; it will refuse another model: " + common::describe_pin("deploy", *pin) +
                        "\n") != std::string::npos);
  test_util::ProcessResult refused = run_driver("run");
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("is pinned to model " + short_sha(m.good())) != std::string::npos);
}
