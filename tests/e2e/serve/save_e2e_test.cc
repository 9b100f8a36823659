// End-to-end tests of `save` deploying to the real `serve`: start, reload, rollback, the
// quality gate, a service that cannot come up, stop.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "tasks/save/quality_gate.h"
#include "tests/e2e/serve/deployment_fixture.h"

namespace fs = std::filesystem;

using serve_test::Deployment;
using serve_test::last_line;
using serve_test::PortSquatter;

TEST_CASE("save starts the service detached and writes the marker once it answers",
          "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  test_util::ProcessResult r = d.deploy_model(m.good());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));
  CHECK(d.health().find(serve_test::file_sha256(m.good())) != std::string::npos);
  int pid = d.guard.pid();
  REQUIRE(pid > 0);
  CHECK(::getsid(pid) == pid);  // its own session: killing save's process group spares it
  CHECK(::getsid(pid) != ::getsid(0));
  CHECK(last_line(r.err) ==
        "save: deploy model " + serve_test::file_sha256(m.good()).substr(0, 12) + " (" +
            (d.deploy / "models" / (serve_test::file_sha256(m.good()) + ".json")).string() +
            "); serving at " + d.url() + " (started)");
}

TEST_CASE("a second save of the same model keeps the same service", "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  int pid = d.guard.pid();
  test_util::ProcessResult again = d.deploy_model(m.good());
  REQUIRE(again.exit_code == 0);
  CHECK(d.guard.pid() == pid);
  CHECK(last_line(again.err).find("serving at " + d.url() + " (unchanged)") != std::string::npos);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));
  CHECK(test_util::read_lines(d.deploy / "history.jsonl").size() == 1);
}

TEST_CASE("deploying a new model reloads the service under load without losing a request",
          "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  int pid = d.guard.pid();
  std::atomic<bool> done{false};
  std::atomic<int> requests{0};
  std::atomic<int> failures{0};
  std::thread client([&] {
    serve_test::HttpClient c(d.port);
    while (!done) {
      ++requests;
      if (c.post("/predict", "application/json", serve_test::sample_row_json()).status != 200)
        ++failures;
    }
  });
  while (requests < 20) std::this_thread::yield();
  test_util::ProcessResult r = d.deploy_model(m.other());
  int before = requests;
  while (requests < before + 20) std::this_thread::yield();
  done = true;
  client.join();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(failures == 0);
  CHECK(d.guard.pid() == pid);
  CHECK(d.health().find(serve_test::file_sha256(m.other())) != std::string::npos);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.other()));
  CHECK(last_line(r.err).find("serving at " + d.url() + " (reloaded)") != std::string::npos);
}

TEST_CASE("rollback points current at the previous model and the service answers with it",
          "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  REQUIRE(d.deploy_model(m.other()).exit_code == 0);
  test_util::ProcessResult r = d.save({"--rollback", "--output", d.marker.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string good = serve_test::file_sha256(m.good());
  CHECK(fs::read_symlink(d.deploy / "current") == fs::path("models") / (good + ".json"));
  CHECK(d.health().find(good) != std::string::npos);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));
  std::vector<std::string> history = test_util::read_lines(d.deploy / "history.jsonl");
  REQUIRE(history.size() == 4);
  CHECK(history[2].find("\"action\":\"rollback\",\"sha256\":\"" + good + "\"") !=
        std::string::npos);
  CHECK(history[3].find("\"action\":\"pin\",\"sha256\":\"" + good + "\"") != std::string::npos);
}

TEST_CASE("the quality gate refuses a much worse model with both RMSEs unless approved",
          "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  std::string candidate = serve_test::test_rmse_text(m.worse());
  std::string deployed = serve_test::test_rmse_text(m.good());
  test_util::ProcessResult refused = d.deploy_model(m.worse());
  CHECK(refused.exit_code == 77);
  std::string prefix = "save: refusing to deploy " + m.worse().string() + ": test RMSE " +
                       candidate + " vs deployed " + deployed + " (+";
  CHECK(refused.err.rfind(prefix, 0) == 0);
  CHECK(last_line(refused.err).find("%, limit +5.00%); after review, deploy it with --approve") !=
        std::string::npos);
  CHECK(d.health().find(serve_test::file_sha256(m.good())) != std::string::npos);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));

  test_util::ProcessResult approved = d.deploy_model(m.worse(), {"--approve"});
  CHECK(approved.exit_code == 0);
  CHECK(d.health().find(serve_test::file_sha256(m.worse())) != std::string::npos);
}

TEST_CASE("when the service cannot come up save exits 75, writes no marker and keeps current",
          "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  REQUIRE(d.deploy_model(m.good()).exit_code == 0);
  REQUIRE(d.save({"--stop", "--output", d.marker.string()}).exit_code == 0);
  PortSquatter squatter;
  d.port = squatter.port();
  test_util::ProcessResult r = d.deploy_model(m.other());
  CHECK(r.exit_code == 75);
  std::string good = serve_test::file_sha256(m.good());
  CHECK(last_line(r.err) ==
        "save: the prediction service did not come up with model " +
            serve_test::file_sha256(m.other()).substr(0, 12) + ": port " + std::to_string(d.port) +
            " is held by a process that is not a pipeline service; choose another --port (0: any "
            "free one); " +
            (d.deploy / "current").string() + " still points at " + good.substr(0, 12));
  CHECK(r.err.find("save: save.serve: attempt 2 failed, retrying: ") != std::string::npos);
  CHECK_FALSE(fs::exists(d.marker));
  CHECK(fs::read_symlink(d.deploy / "current") == fs::path("models") / (good + ".json"));
  CHECK(test_util::read_lines(d.deploy / "history.jsonl").size() == 1);
  CHECK_FALSE(fs::exists(d.deploy / "serve.pid"));
}

TEST_CASE("a transient failure to deploy is retried, and three are a 75", "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  test_util::ProcessResult failed =
      d.save({"--input", m.good().string(), "--output", d.marker.string()},
             {{"PIPELINE_FAILPOINTS", "save.serve=3"}});
  CHECK(failed.exit_code == 75);
  CHECK(last_line(failed.err) ==
        "save: the prediction service did not come up with model " +
            serve_test::file_sha256(m.good()).substr(0, 12) +
            ": failpoint save.serve: injected transient failure (3 of 3); " +
            (d.deploy / "current").string() + " is not set");
  CHECK_FALSE(fs::exists(d.deploy / "current"));
  CHECK_FALSE(fs::exists(d.marker));

  test_util::ProcessResult retried =
      d.save({"--input", m.good().string(), "--output", d.marker.string()},
             {{"PIPELINE_FAILPOINTS", "save.serve=2"}});
  CHECK(retried.exit_code == 0);
  CHECK(test_util::read_text(d.marker) == d.marker_for(m.good()));
}

TEST_CASE("save --stop stops the service and removes the marker", "[save][serve][e2e]") {
  Deployment d;
  REQUIRE(d.deploy_model(serve_test::models().good()).exit_code == 0);
  int pid = d.guard.pid();
  test_util::ProcessResult r = d.save({"--stop", "--output", d.marker.string()});
  CHECK(r.exit_code == 0);
  CHECK(last_line(r.err) ==
        "save: stopped the service at " + d.url() + " (pid " + std::to_string(pid) + ")");
  CHECK(serve_test::connection_refused(d.port));
  CHECK_FALSE(fs::exists(d.marker));
  CHECK_FALSE(fs::exists(d.deploy / "serve.pid"));
  test_util::ProcessResult again = d.save({"--stop"});
  CHECK(again.exit_code == 0);
  CHECK(last_line(again.err) == "save: no service was running for " + d.deploy.string());
}

TEST_CASE("save --no-serve persists without a service and says so in the marker",
          "[save][serve][e2e]") {
  Deployment d;
  const auto& m = serve_test::models();
  test_util::ProcessResult r = d.deploy_model(m.good(), {"--no-serve"});
  CHECK(r.exit_code == 0);
  std::string sha = serve_test::file_sha256(m.good());
  CHECK(test_util::read_text(d.marker) ==
        "status: persisted, no service started (--no-serve)\nmodel_sha256: " + sha +
            "\nmodel: " + (d.deploy / "models" / (sha + ".json")).string() + "\n");
  CHECK_FALSE(fs::exists(d.deploy / "serve.pid"));
  CHECK(serve_test::connection_refused(d.port));
}
