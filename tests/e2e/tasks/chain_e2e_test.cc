// The plan's chain run by hand, as a shell user would: ingest && clean && train && save &&
// report on the real housing data, checked against SPEC section 7's reference numbers, the
// provenance of SPEC section 3, and byte-identical outputs on a second run.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>

#include "common/sha256.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using test_util::read_lines;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;

namespace {

const std::vector<std::string> kTasks = {"ingest", "clean", "train", "save", "report"};

void run_chain(const TempDir& dir, const fs::path& source, const std::string& run_id) {
  auto step = [&](std::vector<std::string> argv) {
    argv[0] = test_util::bin(argv[0]).string();
    argv.insert(argv.end(), {"--run-id", run_id});
    auto r = run_process(argv, dir.path());
    INFO(argv[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
  };
  step({"ingest", "--input", source.string(), "--output", "raw.csv"});
  step({"clean", "--input", "raw.csv", "--output", "clean.csv"});
  step({"train", "--input", "clean.csv", "--output", "trained.pkl", "--target",
        "median_house_value"});
  step({"save", "--input", "trained.pkl", "--output", "flask_api_running.txt", "--no-serve"});
  step({"report", "--input", "trained.pkl", "--input", "clean.csv", "--output", "report.md"});
}

double number_at(const json::value& doc, std::initializer_list<const char*> path) {
  const json::value* v = &doc;
  for (const char* key : path) v = &v->as_object().at(key);
  return v->to_number<double>();
}

bool close(double actual, double expected) {
  return std::fabs(actual - expected) <= 1e-6 * std::fabs(expected);
}

// Files a run writes into its workspace that must not depend on the run.
std::vector<fs::path> deterministic_outputs(const fs::path& dir) {
  std::vector<fs::path> files = {"raw.csv", "clean.csv", "trained.pkl", "report.md",
                                 "flask_api_running.txt"};
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".svg") files.push_back(entry.path().filename());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("the chain by hand reproduces the reference numbers with full provenance",
          "[chain][housing]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  run_chain(dir, housing, "chain-1");

  CHECK(read_lines(dir / "clean.csv").size() == 20433 + 1);
  json::value model = json::parse(read_text(dir / "trained.pkl"));
  CHECK(close(number_at(model, {"metrics", "test", "rmse"}), 67710.94752211584));
  CHECK(close(number_at(model, {"metrics", "test", "mae"}), 49449.45683493937));
  CHECK(close(number_at(model, {"metrics", "test", "r2"}), 0.6559165515900454));
  CHECK(number_at(model, {"metrics", "test", "rows"}) == 4113);
  CHECK(close(number_at(model, {"metrics", "train", "rmse"}), 68879.6261313178));
  CHECK(close(number_at(model, {"metrics", "train", "mae"}), 49841.64788252571));
  CHECK(close(number_at(model, {"metrics", "train", "r2"}), 0.6439157554722512));
  CHECK(number_at(model, {"metrics", "train", "rows"}) == 16320);
  CHECK(close(number_at(model, {"metrics", "baseline_test_rmse"}), 115452.78993305613));
  CHECK(close(number_at(model, {"intercept"}), 235631.04197605193));

  for (const auto& file :
       {"raw.csv", "clean.csv", "trained.pkl", "report.md", "flask_api_running.txt"}) {
    CHECK(fs::file_size(dir / file) > 0);
  }
  // Every task logged start and end, appended its metrics row, and entered the manifest
  // with the sha256 of what it wrote.
  json::value manifest = json::parse(read_text(dir / "runs" / "chain-1" / "manifest.json"));
  CHECK(manifest.at("status") == "ok");
  CHECK(manifest.at("environment").as_object().contains("os_release"));
  for (const std::string& task : kTasks) {
    INFO(task);
    auto log = read_lines(dir / "logs" / (task + ".log"));
    REQUIRE(log.size() >= 2);
    json::value first = json::parse(log.front());
    json::value last = json::parse(log.back());
    CHECK(first.at("event") == "start");
    CHECK(last.at("event") == "end");
    CHECK(last.at("status") == "ok");
    CHECK(last.at("run_id") == "chain-1");
    auto metrics = read_lines(dir / "metrics" / (task + ".csv"));
    REQUIRE(metrics.size() == 2);
    CHECK(metrics[1].rfind("chain-1,", 0) == 0);
    const json::object& entry = manifest.at("tasks").at(task).as_object();
    CHECK(entry.at("status") == "ok");
    for (const json::value& output : entry.at("outputs").as_array()) {
      std::string path(output.at("path").as_string());
      CHECK(output.at("sha256").as_string() == common::sha256_file(dir / path));
      CHECK(output.at("bytes").to_number<double>() ==
            static_cast<double>(fs::file_size(dir / path)));
    }
  }
  auto train_end = json::parse(read_lines(dir / "logs" / "train.log").back());
  CHECK(train_end.at("metrics").as_object().size() > 0);
}

TEST_CASE("running the chain twice gives byte-identical outputs", "[chain]") {
  TempDir first;
  TempDir second;
  fs::path source = test_util::source("data/raw.csv");
  run_chain(first, source, "run-a");
  run_chain(second, source, "run-b");
  auto files = deterministic_outputs(first.path());
  CHECK(files == deterministic_outputs(second.path()));
  CHECK(files.size() >= 7);  // the five outputs and at least two charts
  for (const fs::path& file : files) {
    INFO(file);
    CHECK(read_text(first / file.string()) == read_text(second / file.string()));
  }
}
