// End-to-end on the project's own dag.json (issue 10 #20): every file a task writes that
// a user relies on is a declared output, so deleting one makes the task run again.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::run_process;
using test_util::TempDir;

TEST_CASE("a deleted report chart makes the report task run again", "[e2e][driver][project]") {
  TempDir project;
  fs::create_directories(project / "data");
  fs::create_directories(project / "work");
  std::string csv = "longitude,median_house_value\n";
  for (int i = 0; i < 60; ++i) {
    csv += std::to_string(i) + "," + std::to_string(1000 + 3 * i + (i % 7)) + "\n";
  }
  test_util::write_text(project / "data" / "raw.csv", csv);
  {
    TempDir scratch;  // the approved schema of this small data, made outside the project
    REQUIRE(
        run_process(
            {test_util::bin("clean").string(), "--input", (project / "data" / "raw.csv").string(),
             "--output", (scratch / "c.csv").string(), "--write-schema",
             (project / "data" / "schema.json").string(), "--target", "median_house_value"},
            scratch.path())
            .exit_code == 0);
  }
  fs::copy(test_util::source("templates"), project / "templates", fs::copy_options::recursive);
  fs::copy(test_util::source("notes"), project / "notes", fs::copy_options::recursive);
  fs::copy(test_util::source("dag.json"), project / "dag.json");

  std::vector<std::string> driver{test_util::bin("driver").string(), "run", "report"};
  test_util::ProcessResult first = run_process(driver, project.path());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(fs::exists(project / "work" / "report_residuals.svg"));

  fs::remove(project / "work" / "report_residuals.svg");
  test_util::ProcessResult status =
      run_process({test_util::bin("driver").string(), "status", "report"}, project.path());
  REQUIRE(status.exit_code == 0);
  REQUIRE_THAT(status.out, Catch::Matchers::Contains(
                               "report  will run: output report_residuals.svg missing\n"));
  REQUIRE(run_process(driver, project.path()).exit_code == 0);
  REQUIRE(fs::exists(project / "work" / "report_residuals.svg"));
}
