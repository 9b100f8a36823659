// End-to-end, issue 10 #19: the approval command printed after schema drift is pasted
// verbatim where the user ran the driver, approves the new schema, writes nothing inside
// the workdir but the pipeline's data, and the next run passes.
#include <catch2/catch.hpp>
#include <string>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::run_process;
using test_util::TempDir;

namespace {

// The line after "approve the new schema with:", without its indentation.
std::string approval_command(const std::string& err) {
  const std::string marker = "approve the new schema with:\n";
  std::size_t at = err.find(marker);
  if (at == std::string::npos) return "";
  std::size_t start = err.find_first_not_of(' ', at + marker.size());
  return err.substr(start, err.find('\n', start) - start);
}

}  // namespace

TEST_CASE("the schema approval command printed after drift works where the driver was run",
          "[e2e][driver][schema]") {
  TempDir project;
  fs::create_directories(project / "data");
  test_util::write_text(project / "data" / "raw.csv", "a,b\n1,2\n3,4\n");
  {
    TempDir scratch;  // the first schema, made by hand outside the project
    REQUIRE(run_process(
                {test_util::bin("clean").string(), "--input",
                 (project / "data" / "raw.csv").string(), "--output", (scratch / "c.csv").string(),
                 "--write-schema", (project / "data" / "schema.json").string()},
                scratch.path())
                .exit_code == 0);
  }
  test_util::write_text(project / "dag.json", R"({"version": 1, "workdir": "work", "tasks": [
  {"name": "clean",
   "cmd": ["clean", "--input", "../data/raw.csv", "--output", "clean.csv",
           "--schema", "../data/schema.json"],
   "inputs": ["../data/raw.csv", "../data/schema.json"], "outputs": ["clean.csv"]}]}
)");
  fs::create_directories(project / "work");
  std::vector<std::string> driver{test_util::bin("driver").string()};
  REQUIRE(run_process(driver, project.path()).exit_code == 0);

  test_util::write_text(project / "data" / "raw.csv", "a,b,c\n1,2,3\n3,4,5\n");
  test_util::ProcessResult drift = run_process(driver, project.path());
  INFO(drift.err);
  REQUIRE(drift.exit_code == 1);
  std::string command = approval_command(drift.err);
  REQUIRE_THAT(command, Catch::Matchers::EndsWith(" approve-schema clean"));

  test_util::ProcessResult approve = run_process({"/bin/sh", "-c", command}, project.path());
  INFO(approve.err);
  REQUIRE(approve.exit_code == 0);
  REQUIRE_THAT(test_util::read_text(project / "data" / "schema.json"),
               Catch::Matchers::Contains("\"c\""));

  test_util::ProcessResult next = run_process(driver, project.path());
  INFO(next.err);
  REQUIRE(next.exit_code == 0);
  for (const char* dir : {"logs", "metrics", "runs"}) {
    INFO(dir);
    REQUIRE_FALSE(fs::exists(project / "work" / dir));
    REQUIRE(fs::exists(project / dir));
  }
}
