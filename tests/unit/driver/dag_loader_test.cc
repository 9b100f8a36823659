#include "driver/dag_loader.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "driver/driver_error.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;

namespace {

// A temp project: dag.json is parsed as if it were <dir>/dag.json, with data/raw.csv.
struct Project {
  Project() {
    test_util::write_text(dir / "data" / "raw.csv", "a,b\n1,2\n");
    fs::create_directories(dir / "work");
  }
  driver::Dag parse(const std::string& text) const {
    return driver::parse_dag(text, dir / "dag.json");
  }
  // The message a ConfigError carries for a problem at line:col.
  std::string at(const std::string& line_col, const std::string& message) const {
    return (dir / "dag.json").string() + ":" + line_col + ": " + message;
  }
  test_util::TempDir dir;
};

// A valid two-task dag with `task_keys` added to the second task ("clean").
std::string dag_with(const std::string& task_keys) {
  return "{\n"
         "  \"version\": 1,\n"
         "  \"workdir\": \"work\",\n"
         "  \"tasks\": [\n"
         "    {\"name\": \"ingest\", \"cmd\": [\"sh\", \"-c\", \"cp ../data/raw.csv raw.csv\"],\n"
         "     \"inputs\": [\"../data/raw.csv\"], \"outputs\": [\"raw.csv\"]},\n"
         "    {\"name\": \"clean\", \"cmd\": [\"sh\", \"-c\", \"cp raw.csv clean.csv\"],\n"
         "     \"inputs\": [\"raw.csv\"], \"outputs\": [\"clean.csv\"]" +
         task_keys +
         "}\n"
         "  ]\n"
         "}\n";
}

}  // namespace

TEST_CASE("a valid dag links tasks through their files", "[dag]") {
  Project p;
  driver::Dag dag = p.parse(dag_with(""));
  REQUIRE(dag.tasks.size() == 2);
  REQUIRE(dag.workdir == p.dir.path() / "work");
  REQUIRE(dag.needs[1] == std::vector<std::size_t>{0});
  REQUIRE(dag.edge_files.at({1, 0}) == std::vector<std::string>{"raw.csv"});
  REQUIRE(dag.tasks[1].input_files[0] == p.dir.path() / "work" / "raw.csv");
  REQUIRE(dag.tasks[0].input_files[0] == p.dir.path() / "data" / "raw.csv");
  REQUIRE(dag.tasks[0].program.filename() == "sh");
}

TEST_CASE("a task's retry keys override the defaults one by one", "[dag]") {
  Project p;
  std::string text = dag_with(", \"retry\": {\"n_tries\": 3, \"retry_on\": [75, \"timeout\"]}");
  text.replace(
      text.find("\"workdir\""), 0,
      "\"defaults\": {\"retry\": {\"delay_s\": 0.5, \"backoff\": 3}, \"timeout_s\": 60},\n  ");
  driver::Dag dag = p.parse(text);
  const driver::RetryPolicy& retry = dag.tasks[1].retry;
  REQUIRE(retry.n_tries == 3);
  REQUIRE(retry.delay_s == 0.5);
  REQUIRE(retry.backoff == 3);
  REQUIRE(retry.retry_on_exit == std::vector<int>{75});
  REQUIRE(retry.retry_on_timeout);
  REQUIRE_FALSE(retry.retry_on_signal);
  REQUIRE(dag.tasks[0].retry.n_tries == 1);
  REQUIRE(dag.tasks[0].timeout_s == 60);
}

TEST_CASE("declared deps and implied deps are merged", "[dag]") {
  Project p;
  driver::Dag dag = p.parse(dag_with(", \"deps\": [\"ingest\"]"));
  REQUIRE(dag.needs[1] == std::vector<std::size_t>{0});
}

TEST_CASE("dag.json problems are reported at their line and column", "[dag]") {
  Project p;
  struct Case {
    std::string text;
    std::string line_col;
    std::string message;
  };
  const std::vector<Case> cases{
      {"{\"version\": 1,, \"tasks\": []}", "1:15", "invalid JSON: syntax error"},
      {"{\"version\": 1, \"tasks\": [1]} x", "1:30",
       "invalid JSON: unexpected content after the document"},
      {"{\"version\": 1, \"tasks\": [", "1:26", "invalid JSON: incomplete JSON"},
      {"[]", "1:1", "expected an object at the top level, found an array"},
      {"{\"tasks\": []}", "1:1", "missing required key \"version\""},
      {"{\"version\": \"1\"}", "1:13", "expected an integer for \"version\", found a string"},
      {"{\"version\": 2, \"tasks\": [], \"new\": true}", "1:13",
       "version 2 is newer than this driver supports (1); upgrade the driver"},
      {"{\"version\": 1, \"task\": []}", "1:16", "unknown key \"task\", did you mean \"tasks\"?"},
      {"{\"version\": 1, \"tasks\": [], \"version\": 1}", "1:29",
       "duplicate key \"version\" (first at 1:2)"},
      {"{\"version\": 1}", "1:1", "missing required key \"tasks\""},
      {"{\"version\": 1, \"tasks\": []}", "1:25", "\"tasks\" is empty: declare at least one task"},
      {"{\"version\": 1, \"tasks\": [{\"cmd\": [\"true\"]}]}", "1:26",
       "tasks[0]: missing required key \"name\""},
      {"{\"version\": 1, \"tasks\": [{\"name\": \"a b\", \"cmd\": [\"true\"]}]}", "1:35",
       "tasks[0]: invalid task name \"a b\": expected letters, digits, '_', '-' or '.'"},
      {"{\"version\": 1, \"tasks\": [{\"name\": \"a\"}]}", "1:26",
       "task \"a\": missing required key \"cmd\""},
      {"{\"version\": 1, \"workdir\": 3, \"tasks\": []}", "1:27",
       "expected a string for \"workdir\", found a number"},
      {"{\"version\": 1, \"defaults\": {\"retry\": {\"tries\": 2}}, \"tasks\": []}", "1:39",
       "defaults.retry: unknown key \"tries\", did you mean \"n_tries\"?"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    REQUIRE_THROWS_MATCHES(p.parse(c.text), driver::ConfigError,
                           Catch::Matchers::Message(p.at(c.line_col, c.message)));
  }
}

TEST_CASE("task problems name the task and the key", "[dag]") {
  Project p;
  struct Case {
    std::string keys;
    std::string line_col;
    std::string message;
  };
  const std::vector<Case> cases{
      {", \"input\": []", "8:55",
       "task \"clean\": unknown key \"input\", did you mean \"inputs\"?"},
      {", \"colour\": 1", "8:55",
       "task \"clean\": unknown key \"colour\" (expected one of: name description cmd inputs "
       "outputs deps "
       "retry timeout_s kill_grace_s service_pid_file always_run)"},
      {", \"service_pid_file\": \"\"", "8:75", "task \"clean\": \"service_pid_file\" is empty"},
      {", \"service_pid_file\": 4242", "8:75",
       "task \"clean\": expected a string for \"service_pid_file\", found a number"},
      {", \"cmd\": []", "8:55", "task \"clean\": duplicate key \"cmd\" (first at 7:23)"},
      {", \"timeout_s\": -1", "8:68",
       "task \"clean\": expected a positive number for \"timeout_s\", found -1"},
      {", \"timeout_s\": \"1s\"", "8:68",
       "task \"clean\": expected a number for \"timeout_s\", found a string"},
      {", \"deps\": \"ingest\"", "8:63",
       "task \"clean\": expected an array of strings for \"deps\", found a string"},
      {", \"deps\": [1]", "8:64", "task \"clean\": expected a string in \"deps\", found a number"},
      {", \"retry\": {\"n_tries\": 0}", "8:76",
       "task \"clean\": retry: expected an integer from 1 to 1000 for \"n_tries\", found 0"},
      {", \"retry\": {\"retry_on\": [75, \"oom\"]}", "8:82",
       "task \"clean\": retry: expected an exit code (1-255), \"timeout\" or \"signal\" in "
       "\"retry_on\", found \"oom\""},
      {", \"retry\": {\"jitter\": 2}", "8:75",
       "task \"clean\": retry: expected a number from 0 to 1 for \"jitter\", found 2"},
      {", \"retry\": 3", "8:64",
       "task \"clean\": expected an object for \"retry\", found a number"},
      {", \"deps\": [\"ingset\"]", "8:64",
       "task \"clean\": unknown dependency \"ingset\", did you mean \"ingest\"?"},
      {", \"deps\": [\"zzz\"]", "8:64", "task \"clean\": unknown dependency \"zzz\""},
  };
  for (const Case& c : cases) {
    INFO(c.keys);
    REQUIRE_THROWS_MATCHES(p.parse(dag_with(c.keys)), driver::ConfigError,
                           Catch::Matchers::Message(p.at(c.line_col, c.message)));
  }
}

TEST_CASE("a cycle is printed as a path and located at its suspicious edge", "[dag]") {
  Project p;
  std::string text =
      "{\"version\": 1, \"tasks\": [\n"
      "  {\"name\": \"clean\", \"cmd\": [\"true\"], \"outputs\": [\"clean.csv\"], \"deps\": "
      "[\"train\"]},\n"
      "  {\"name\": \"train\", \"cmd\": [\"true\"], \"inputs\": [\"clean.csv\"], \"outputs\": "
      "[\"model\"]}\n"
      "]}\n";
  REQUIRE_THROWS_MATCHES(
      p.parse(text), driver::ConfigError,
      Catch::Matchers::Message(p.at("2:73", "dependency cycle: train -> clean -> train")));
}

TEST_CASE("a task that needs itself is a cycle of one", "[dag]") {
  Project p;
  std::string text =
      "{\"version\": 1, \"tasks\": [{\"name\": \"a\", \"cmd\": [\"true\"], \"deps\": [\"a\"]}]}";
  REQUIRE_THROWS_MATCHES(p.parse(text), driver::ConfigError,
                         Catch::Matchers::Message(p.at("1:66", "dependency cycle: a -> a")));
}

TEST_CASE("an output claimed by two tasks names both", "[dag]") {
  Project p;
  std::string text = dag_with("");
  text.replace(text.find("[\"clean.csv\"]"), 13, "[\"./raw.csv\"]");
  REQUIRE_THROWS_MATCHES(
      p.parse(text), driver::ConfigError,
      Catch::Matchers::Message(p.at(
          "8:41",
          "task \"clean\": output \"./raw.csv\" is also an output of task \"ingest\" (6:49)")));
}

TEST_CASE("an input that no task produces must exist", "[dag]") {
  Project p;
  fs::remove(p.dir / "data" / "raw.csv");
  REQUIRE_THROWS_MATCHES(
      p.parse(dag_with("")), driver::ConfigError,
      Catch::Matchers::Message(p.at(
          "6:17",
          "task \"ingest\": input \"../data/raw.csv\" does not exist and no task produces it")));
}

TEST_CASE("a program that is nowhere to be found is a dag error", "[dag]") {
  Project p;
  std::string text = dag_with("");
  text.replace(text.find("[\"sh\", \"-c\", \"cp raw.csv"), 5, "[\"shh\"");
  REQUIRE_THROWS_MATCHES(
      p.parse(text), driver::ConfigError,
      Catch::Matchers::Message(p.at("7:31", "task \"clean\": program \"shh\" not found on PATH")));
}

TEST_CASE("a dag file that cannot be read is a config error", "[dag]") {
  Project p;
  REQUIRE_THROWS_AS(driver::load_dag(p.dir / "missing.json"), driver::ConfigError);
}

TEST_CASE("a duration converts to milliseconds without overflowing", "[dag]") {
  REQUIRE(driver::to_milliseconds(1.5) == std::chrono::milliseconds(1500));
  REQUIRE(driver::to_milliseconds(1e300) == std::chrono::milliseconds(2592000000));
  REQUIRE(driver::to_milliseconds(-1) == std::chrono::milliseconds(0));
  REQUIRE(driver::to_milliseconds(std::nan("")) == std::chrono::milliseconds(0));
}
