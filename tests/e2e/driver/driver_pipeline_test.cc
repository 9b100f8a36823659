// The project's own pipeline (dag.json) through the driver with the real task programs
// and the real prediction service: the housing reference numbers, a service that answers
// for every row and that the marker names, a second run that changes nothing and keeps
// the same service, a service that died started again by the next run, and a retrain with
// another alpha that reloads the service while requests keep being answered.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <thread>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;

namespace {

// A copy of the project (dag.json, data, templates, notes) with `source` as the raw
// data, save on `port` and train with `alpha`.
void write_project(const TempDir& dir, const fs::path& source, int port, const std::string& alpha) {
  if (!fs::exists(dir / "data")) {
    fs::create_directories(dir / "data");
    fs::copy(source, dir / "data" / "raw.csv");
    fs::copy(test_util::source("data/schema.json"), dir / "data" / "schema.json");
    fs::copy(test_util::source("templates"), dir / "templates", fs::copy_options::recursive);
    fs::copy(test_util::source("notes"), dir / "notes", fs::copy_options::recursive);
  }
  json::value dag = json::parse(read_text(test_util::source("dag.json")));
  for (json::value& task : dag.at("tasks").as_array()) {
    json::array& cmd = task.at("cmd").as_array();
    if (task.at("name") == "save") {
      for (std::size_t i = 0; i + 1 < cmd.size(); ++i) {
        if (cmd[i] == "--port") cmd[i + 1] = json::value(std::to_string(port));
      }
    }
    if (task.at("name") == "train") {
      for (std::size_t i = 0; i + 1 < cmd.size(); ++i) {
        if (cmd[i] == "--alpha") cmd[i + 1] = json::value(alpha);
      }
    }
  }
  test_util::write_text(dir / "dag.json", json::serialize(dag));
}

test_util::ProcessResult driver(const TempDir& dir) {
  return run_process(
      {test_util::bin("driver").string(), "run", "--dag", (dir / "dag.json").string()}, dir.path());
}

test_util::ProcessResult curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"curl", "-s", "-f", "--max-time", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  TempDir cwd;
  return run_process(argv, cwd.path());
}

// The value of "key: value" in the service marker.
std::string marker_field(const TempDir& dir, const std::string& key) {
  for (const std::string& line : test_util::read_lines(dir / "work" / "flask_api_running.txt")) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return "";
}

// Stops the service a test started, whatever happened in the test.
struct ServiceStopper {
  const TempDir& dir;
  ~ServiceStopper() {
    run_process({test_util::bin("save").string(), "--stop", "--deploy-dir", "work/deploy"},
                dir.path());
  }
};

double number_at(const json::value& doc, std::initializer_list<const char*> path) {
  const json::value* v = &doc;
  for (const char* key : path) v = &v->as_object().at(key);
  return v->to_number<double>();
}

}  // namespace

TEST_CASE("the pipeline through the driver deploys a service that answers for every row",
          "[driver][pipeline][housing]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  int port = test_util::free_port();
  write_project(dir, housing, port, "1.0");
  ServiceStopper stopper{dir};

  auto first = driver(dir);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(test_util::read_lines(dir / "work" / "clean.csv").size() == 20433 + 1);
  json::value model = json::parse(read_text(dir / "work" / "trained.pkl"));
  CHECK(std::fabs(number_at(model, {"metrics", "test", "rmse"}) - 67710.94752211584) <
        1e-6 * 67710.95);

  // The marker names the service, and the service answers with that model for all rows.
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  CHECK(marker_field(dir, "url") == url);
  std::string sha = marker_field(dir, "model_sha256");
  auto health = curl({url + "/health"});
  REQUIRE(health.exit_code == 0);
  CHECK(json::parse(health.out).at("model_sha256").as_string() == sha);
  auto predicted = curl({"-H", "Content-Type: text/csv", "--data-binary",
                         "@" + (dir / "work" / "clean.csv").string(), url + "/predict"});
  REQUIRE(predicted.exit_code == 0);
  json::value answer = json::parse(predicted.out);
  CHECK(answer.at("predictions").as_array().size() == 20433);
  CHECK(answer.at("model_sha256").as_string() == sha);
  std::string pid = read_text(dir / "work" / "deploy" / "serve.pid");

  // A second run does nothing and keeps the same service and model.
  auto second = driver(dir);
  REQUIRE(second.exit_code == 0);
  CHECK(second.err.find("nothing to do") != std::string::npos);
  CHECK(read_text(dir / "work" / "deploy" / "serve.pid") == pid);
  CHECK(marker_field(dir, "model_sha256") == sha);
}

TEST_CASE("a service that died is started again by the next run, and only save runs",
          "[driver][pipeline][housing]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  int port = test_util::free_port();
  write_project(dir, housing, port, "1.0");
  ServiceStopper stopper{dir};
  REQUIRE(driver(dir).exit_code == 0);
  std::string sha = marker_field(dir, "model_sha256");
  pid_t old_pid = std::stoi(read_text(dir / "work" / "deploy" / "serve.pid"));

  // As after a crash or a reboot: the service is gone, its pid file and marker stay.
  REQUIRE(::kill(old_pid, SIGKILL) == 0);
  for (int i = 0; i < 500 && ::kill(old_pid, 0) == 0; ++i) {
    ::waitpid(old_pid, nullptr, WNOHANG);  // reaped by init in a real system
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto status = run_process(
      {test_util::bin("driver").string(), "status", "--dag", (dir / "dag.json").string()},
      dir.path());
  INFO(status.out << status.err);
  CHECK(status.out.find("save") != std::string::npos);
  CHECK((status.out + status.err)
            .find("service not running: pid " + std::to_string(old_pid) +
                  " of deploy/serve.pid is gone") != std::string::npos);

  auto rerun = driver(dir);
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);
  CHECK(rerun.err.find("ingest up to date") != std::string::npos);
  CHECK(rerun.err.find("report up to date") != std::string::npos);
  std::string new_pid = read_text(dir / "work" / "deploy" / "serve.pid");
  CHECK(std::stoi(new_pid) != old_pid);
  auto health = curl({"http://127.0.0.1:" + std::to_string(port) + "/health"});
  REQUIRE(health.exit_code == 0);
  CHECK(json::parse(health.out).at("model_sha256").as_string() == sha);

  // Running again changes nothing.
  auto third = driver(dir);
  REQUIRE(third.exit_code == 0);
  CHECK(third.err.find("nothing to do") != std::string::npos);
}

TEST_CASE("retraining with another alpha reloads the service without dropping a request",
          "[driver][pipeline]") {
  TempDir dir;
  int port = test_util::free_port();
  write_project(dir, test_util::source("data/raw.csv"), port, "1.0");
  ServiceStopper stopper{dir};
  REQUIRE(driver(dir).exit_code == 0);
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string before = marker_field(dir, "model_sha256");
  std::string pid = read_text(dir / "work" / "deploy" / "serve.pid");
  std::string row =
      R"({"longitude":-122.23,"latitude":37.88,"housing_median_age":41,"total_rooms":880,)"
      R"("total_bedrooms":129,"population":322,"households":126,"median_income":8.3252,)"
      R"("ocean_proximity":"NEAR BAY"})";

  std::atomic<bool> done{false};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::thread client([&] {
    while (!done) {
      auto r = curl({"-H", "Content-Type: application/json", "-d", row, url + "/predict"});
      (r.exit_code == 0 ? answered : failed)++;
    }
  });
  write_project(dir, "", port, "25.0");
  auto retrain = driver(dir);
  done = true;
  client.join();
  INFO(retrain.err);
  REQUIRE(retrain.exit_code == 0);
  CHECK(retrain.err.find("train ok") != std::string::npos);
  CHECK(retrain.err.find("ingest up to date") != std::string::npos);
  std::string after = marker_field(dir, "model_sha256");
  CHECK(after != before);
  CHECK(read_text(dir / "work" / "deploy" / "serve.pid") == pid);  // reloaded, not restarted
  CHECK(json::parse(curl({url + "/health"}).out).at("model_sha256").as_string() == after);
  CHECK(answered > 0);
  CHECK(failed == 0);
}
