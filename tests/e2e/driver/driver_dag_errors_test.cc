// End-to-end: every dag.json problem stops the real driver with exit 2 and one exact
// message before any task starts.

#include <catch2/catch.hpp>

#include "tests/e2e/driver/driver_e2e_util.h"

using driver_e2e::Project;

namespace {

// Runs `driver` on `dag` (a task that would leave ran.marker if it ever ran is added by
// the cases themselves) and returns stderr after checking the exit code and that nothing
// ran.
std::string config_error(Project& p, const std::string& dag,
                         const std::vector<std::string>& args = {}) {
  p.write("dag.json", dag);
  test_util::ProcessResult run = p.driver(args);
  INFO(run.err);
  REQUIRE(run.exit_code == 2);
  REQUIRE_FALSE(p.exists("ran.marker"));
  REQUIRE_FALSE(p.exists("logs"));
  REQUIRE_FALSE(p.exists("runs"));
  return run.err;
}

const char* const kRun = R"(["sh", "-c", "touch ../ran.marker out"])";

std::string task(const std::string& name, const std::string& rest) {
  return std::string("{\"name\": \"") + name + "\", \"cmd\": " + kRun + rest + "}";
}

}  // namespace

TEST_CASE("a syntax error points at the offending character", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(
              p, "{\n  \"version\": 1,\n  \"tasks\": [\n    " + task("a", "") + ",\n  ]\n}\n") ==
          "driver: dag.json:5:3: invalid JSON: syntax error\n");
}

TEST_CASE("an unknown key is named with a suggestion", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 1, \"tasks\": [\n  " +
                              task("a", ", \"output\": [\"out\"]") + "\n]}\n") ==
          "driver: dag.json:2:65: task \"a\": unknown key \"output\", did you mean \"outputs\"?\n");
}

TEST_CASE("a duplicate key is an error, not a silent overwrite", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 1, \"tasks\": [\n  " + task("a", ", \"cmd\": [\"true\"]") +
                              "\n]}\n") ==
          "driver: dag.json:2:65: task \"a\": duplicate key \"cmd\" (first at 2:17)\n");
}

TEST_CASE("a value of the wrong type names the field", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(
      config_error(
          p, "{\"version\": 1, \"tasks\": [\n  {\"name\": \"a\", \"cmd\": \"make all\"}\n]}\n") ==
      "driver: dag.json:2:24: task \"a\": expected an array of strings for \"cmd\", found a "
      "string\n");
}

TEST_CASE("an unknown dependency gets a did-you-mean", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 1, \"tasks\": [\n  " + task("train", "") + ",\n  " +
                              task("report", ", \"deps\": [\"trian\"]") + "\n]}\n") ==
          "driver: dag.json:3:79: task \"report\": unknown dependency \"trian\", did you mean "
          "\"train\"?\n");
}

TEST_CASE("a cycle is printed as a path", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p,
                       "{\"version\": 1, \"tasks\": [\n"
                       "  {\"name\": \"clean\", \"cmd\": [\"true\"], \"outputs\": [\"clean.csv\"], "
                       "\"deps\": [\"train\"]},\n"
                       "  {\"name\": \"train\", \"cmd\": [\"true\"], \"inputs\": [\"clean.csv\"], "
                       "\"outputs\": [\"m\"]}\n"
                       "]}\n") ==
          "driver: dag.json:2:73: dependency cycle: train -> clean -> train\n");
}

TEST_CASE("an output claimed by two tasks is an error", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 1, \"tasks\": [\n  " +
                              task("a", ", \"outputs\": [\"x.csv\"]") + ",\n  " +
                              task("b", ", \"outputs\": [\"x.csv\"]") + "\n]}\n") ==
          "driver: dag.json:3:77: task \"b\": output \"x.csv\" is also an output of task \"a\" "
          "(2:77)\n");
}

TEST_CASE("an input nobody produces must exist", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 1, \"workdir\": \"work\", \"tasks\": [\n  " +
                              task("ingest", ", \"inputs\": [\"../data/raw.csv\"]") + "\n]}\n") ==
          "driver: dag.json:2:81: task \"ingest\": input \"../data/raw.csv\" does not exist and no "
          "task produces it\n");
}

TEST_CASE("a version from the future is refused", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 2, \"tasks\": [], \"stages\": {}}\n") ==
          "driver: dag.json:1:13: version 2 is newer than this driver supports (1); upgrade the "
          "driver\n");
}

TEST_CASE("a program that cannot be found is reported before anything runs", "[e2e][driver][dag]") {
  Project p;
  std::string err = config_error(
      p,
      "{\"version\": 1, \"tasks\": [\n  {\"name\": \"a\", \"cmd\": [\"no-such-program-x\"]}\n]}\n");
  REQUIRE(err ==
          "driver: dag.json:2:25: task \"a\": program \"no-such-program-x\" not found beside the "
          "driver (" +
              test_util::bin("driver").parent_path().string() + ") or on PATH\n");
}

TEST_CASE("a missing dag file is a usage error", "[e2e][driver][dag]") {
  Project p;
  test_util::ProcessResult run = p.driver({"--dag", "nope.json"});
  REQUIRE(run.exit_code == 2);
  REQUIRE_THAT(run.err, Catch::Matchers::StartsWith("driver: "));
  REQUIRE_THAT(run.err, Catch::Matchers::Contains("nope.json"));
}

TEST_CASE("an unknown option is a usage error", "[e2e][driver][dag]") {
  Project p;
  test_util::ProcessResult run = p.driver({"--jobz", "2"});
  REQUIRE(run.exit_code == 2);
  REQUIRE(run.err ==
          "driver: unrecognised option '--jobz', did you mean '--jobs'? (see driver --help)\n");
}

TEST_CASE("driver validate reports the first problem too", "[e2e][driver][dag]") {
  Project p;
  REQUIRE(config_error(p, "{\"version\": 1, \"task\": []}\n", {"validate"}) ==
          "driver: dag.json:1:16: unknown key \"task\", did you mean \"tasks\"?\n");
}

// Issue 10 #14: a duration the clocks cannot hold used to kill at once or retry at once.
TEST_CASE("a duration above 30 days is refused with its position", "[e2e][driver][dag]") {
  Project p;
  for (const char* key : {"timeout_s", "kill_grace_s"}) {
    INFO(key);
    REQUIRE(config_error(p,
                         "{\"version\": 1, \"tasks\": [\n  " +
                             task("a", std::string(", \"") + key + "\": 1e10") + "\n]}\n",
                         {"validate"}) ==
            "driver: dag.json:2:" + std::to_string(69 + std::string(key).size()) +
                ": task \"a\": expected at most 2592000 seconds (30 days) for \"" + key +
                "\", found 10000000000\n");
  }
  REQUIRE(config_error(p,
                       "{\"version\": 1, \"defaults\": {\"retry\": {\"delay_s\": 1e10}},\n"
                       "\"tasks\": [" +
                           task("a", "") + "]}\n") ==
          "driver: dag.json:1:50: defaults.retry: expected at most 2592000 seconds (30 days) for "
          "\"delay_s\", found 10000000000\n");
}

// Issue 10 #15: what validate accepts, run must not then refuse.
TEST_CASE("an output that is a directory is refused by validate", "[e2e][driver][dag]") {
  Project p;
  std::filesystem::create_directories(p / "outdir");
  for (const char* output : {".", "sub/", "outdir"}) {
    INFO(output);
    REQUIRE(
        config_error(p,
                     "{\"version\": 1, \"tasks\": [\n  " +
                         task("a", std::string(", \"outputs\": [\"") + output + "\"]") + "\n]}\n",
                     {"validate"}) == std::string("driver: dag.json:2:77: task \"a\": output \"") +
                                          output + "\" is a directory: an output must be a file\n");
  }
}

TEST_CASE("an output naming a file the driver owns is refused by validate", "[e2e][driver][dag]") {
  Project p;
  std::filesystem::create_directories(p / "data");
  const std::vector<std::pair<std::string, std::string>> cases{
      {".state/tasks.jsonl", "in the driver's state directory <workdir>/.state/"},
      {".lock", "the driver's lock file <workdir>/.lock"},
      {"../logs/driver.log", "in the driver's logs/ directory beside dag.json"},
      {"../metrics/driver.csv", "in the driver's metrics/ directory beside dag.json"},
      {"../runs/x/manifest.json", "in the driver's runs/ directory beside dag.json"},
      {"../dag.json", "the dag file"},
  };
  for (const auto& [output, what] : cases) {
    INFO(output);
    REQUIRE(config_error(p,
                         "{\"version\": 1, \"workdir\": \"work\", \"tasks\": [\n  " +
                             task("a", ", \"outputs\": [\"" + output + "\"]") + "\n]}\n",
                         {"validate"}) == "driver: dag.json:2:77: task \"a\": output \"" + output +
                                              "\" is " + what + " (docs/driver.md)\n");
  }
}

TEST_CASE("a task name too long for a log file name is refused by validate", "[e2e][driver][dag]") {
  Project p;
  std::string name(300, 'a');
  REQUIRE(config_error(p, "{\"version\": 1, \"tasks\": [\n  " + task(name, "") + "\n]}\n",
                       {"validate"}) ==
          "driver: dag.json:2:12: tasks[0]: task name of 300 characters is too long: at most 128 "
          "(it is part of log file names)\n");
}

// Issue 10 #20: typos get a suggestion, far-off words do not.
TEST_CASE("a mistyped option, subcommand or program gets a did-you-mean", "[e2e][driver][dag]") {
  Project p;
  test_util::ProcessResult option = p.driver({"--jbos", "2"});
  REQUIRE(option.exit_code == 2);
  REQUIRE(option.err ==
          "driver: unrecognised option '--jbos', did you mean '--jobs'? (see driver --help)\n");

  p.write("dag.json", "{\"version\": 1, \"tasks\": [" + task("a", "") + "]}\n");
  test_util::ProcessResult command = p.driver({"stauts"});
  REQUIRE(command.exit_code == 2);
  REQUIRE(command.err == "driver: unknown task 'stauts', did you mean 'driver status'?\n");

  std::string err = config_error(
      p, "{\"version\": 1, \"tasks\": [\n  {\"name\": \"a\", \"cmd\": [\"cleen\"]}\n]}\n");
  REQUIRE(err ==
          "driver: dag.json:2:25: task \"a\": program \"cleen\" not found beside the "
          "driver (" +
              test_util::bin("driver").parent_path().string() +
              ") or on PATH, did you mean \"clean\"?\n");
}
