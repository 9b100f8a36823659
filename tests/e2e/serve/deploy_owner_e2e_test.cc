// End-to-end tests of how `save` knows its deployment's service (docs/deploy.md, "Which
// service is the deployment's"): by the identity /health reports, never by the model; a
// port held by anything else is exit 75 naming the holder; --port 0; a service that
// registered itself before the save that started it was killed.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tasks/save/deployment_identity.h"
#include "tests/e2e/serve/deployment_fixture.h"

namespace fs = std::filesystem;
using serve_test::Deployment;
using serve_test::last_line;
using serve_test::short_sha;

namespace {

// Waits until `path` exists (the service writes it once it has bound and registered); a
// guard against a hang, not a timing assumption.
void wait_for_file(const fs::path& path) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(path)) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("no " << path.string() << " after 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// What a save that was killed right after starting the service leaves: `serve` run the way
// save runs it (same flags, detached from this process's fate only by the guard), nothing
// written by save itself.
std::unique_ptr<test_util::BackgroundProcess> start_serve_as_save_does(const Deployment& d,
                                                                       int port) {
  fs::path dir = fs::canonical(d.deploy);
  auto serve = std::make_unique<test_util::BackgroundProcess>(
      std::vector<std::string>{test_util::bin("serve").string(), "--deploy-dir", dir.string(),
                               "--host", "127.0.0.1", "--port", std::to_string(port), "--pid-file",
                               (dir / "serve.pid").string(), "--log-dir",
                               (d.dir / "logs").string()},
      dir);
  wait_for_file(dir / "serve.pid");
  return serve;
}

}  // namespace

TEST_CASE("a second deployment on a port another deployment's service holds exits 75 naming it",
          "[save][serve][e2e][deploy-owner]") {
  const auto& m = serve_test::models();
  Deployment first;
  REQUIRE(first.deploy_model(m.good()).exit_code == 0);
  Deployment second;
  second.port = first.port;
  test_util::ProcessResult r = second.deploy_model(m.good());  // the same model
  CHECK(r.exit_code == 75);
  CHECK(last_line(r.err) ==
        "save: the prediction service did not come up with model " + short_sha(m.good()) +
            ": port " + std::to_string(first.port) + " is held by the service of deployment " +
            fs::canonical(first.deploy).string() + " (pid " + std::to_string(first.guard.pid()) +
            "); choose another --port (0: any free one); " + (second.deploy / "current").string() +
            " is not set");
  CHECK_FALSE(fs::exists(second.marker));
  CHECK_FALSE(second.record().has_value());
  CHECK(test_util::read_text(first.marker) == first.marker_for(m.good()));
}

TEST_CASE("save does not take a stranger service that answers with the same model for its own",
          "[save][serve][e2e][deploy-owner]") {
  const auto& m = serve_test::models();
  Deployment d;
  serve_test::ServeProcess stranger({"--model", m.good().string()}, d.dir.path());
  d.port = stranger.port();
  test_util::ProcessResult r = d.deploy_model(m.good());
  CHECK(r.exit_code == 75);
  CHECK(last_line(r.err) == "save: the prediction service did not come up with model " +
                                short_sha(m.good()) + ": port " + std::to_string(d.port) +
                                " is held by a service of no deployment (serve --model, pid " +
                                std::to_string(stranger.process().pid()) +
                                "); choose another --port (0: any free one); " +
                                (d.deploy / "current").string() + " is not set");
  CHECK_FALSE(fs::exists(d.marker));
}

TEST_CASE("health says which deployment and pid answer", "[save][serve][e2e][deploy-owner]") {
  Deployment d;
  REQUIRE(d.deploy_model(serve_test::models().good()).exit_code == 0);
  tasks::DeploymentIdentity self = tasks::deployment_identity(d.deploy);
  std::string health = d.health();
  CHECK(health.find(",\"pid\":" + std::to_string(d.guard.pid()) + ",\"deploy_dir\":\"" +
                    self.dir.string() + "\",\"deployment_id\":\"" + self.id + "\"}\n") !=
        std::string::npos);
  CHECK(self.id.size() == 32);
}

TEST_CASE("save --port 0 lets serve pick a free port, and the marker and later saves use it",
          "[save][serve][e2e][deploy-owner]") {
  const auto& m = serve_test::models();
  Deployment d;
  d.port = 0;
  test_util::ProcessResult r = d.deploy_model(m.good());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::optional<tasks::ServiceRecord> record = d.record();
  REQUIRE(record.has_value());
  CHECK(record->pid == d.guard.pid());
  REQUIRE(record->port > 0);
  std::string url = "http://127.0.0.1:" + std::to_string(record->port);
  CHECK(record->url == url);
  CHECK(test_util::read_text(d.marker) == "status: serving\nurl: " + url + "\nmodel_sha256: " +
                                              serve_test::file_sha256(m.good()) + "\n");
  CHECK(last_line(r.err).find("serving at " + url + " (started)") != std::string::npos);

  test_util::ProcessResult again = d.deploy_model(m.other());
  CHECK(again.exit_code == 0);
  CHECK(last_line(again.err).find("serving at " + url + " (reloaded)") != std::string::npos);
  CHECK(again.err.find("keeping it there") == std::string::npos);
  test_util::ProcessResult stopped = d.save({"--stop", "--output", d.marker.string()});
  CHECK(last_line(stopped.err) ==
        "save: stopped the service at " + url + " (pid " + std::to_string(record->pid) + ")");
  CHECK(serve_test::connection_refused(record->port));
  CHECK_FALSE(d.record().has_value());
}

TEST_CASE("save --stop stops a service whose save was killed right after starting it",
          "[save][serve][e2e][deploy-owner]") {
  Deployment d;
  REQUIRE(d.deploy_model(serve_test::models().good(), {"--no-serve"}).exit_code == 0);
  auto serve = start_serve_as_save_does(d, 0);
  std::optional<tasks::ServiceRecord> record = d.record();
  REQUIRE(record.has_value());
  CHECK(record->pid == serve->pid());
  test_util::ProcessResult r = d.save({"--stop"});
  CHECK(r.exit_code == 0);
  CHECK(last_line(r.err) == "save: stopped the service at " + record->url + " (pid " +
                                std::to_string(serve->pid()) + ")");
  CHECK(serve->wait() == 0);  // SIGTERM: drained and exited 0
}

TEST_CASE("a deploy after a save killed right after starting serve uses that service",
          "[save][serve][e2e][deploy-owner]") {
  const auto& m = serve_test::models();
  Deployment d;
  REQUIRE(d.deploy_model(m.good(), {"--no-serve"}).exit_code == 0);
  auto serve = start_serve_as_save_does(d, d.port);
  test_util::ProcessResult r = d.deploy_model(m.good());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(last_line(r.err).find("serving at " + d.url() + " (unchanged)") != std::string::npos);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));
  CHECK(d.guard.pid() == serve->pid());
}

TEST_CASE("the next save removes the serve.json temp files of killed writers",
          "[save][serve][e2e][deploy-owner]") {
  Deployment d;
  REQUIRE(d.deploy_model(serve_test::models().good(), {"--no-serve"}).exit_code == 0);
  pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  fs::path stale = d.deploy / (".serve.json.tmp-" + std::to_string(dead) + "-0");
  fs::path live = d.deploy / (".serve.json.tmp-" + std::to_string(::getpid()) + "-0");
  test_util::write_text(stale, "{\"version\":1,\"pid\":");
  test_util::write_text(live, "");
  REQUIRE(d.deploy_model(serve_test::models().good()).exit_code == 0);
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));
}
