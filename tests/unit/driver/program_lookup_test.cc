#include "driver/program_lookup.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/test_util.h"

namespace {

void make_executable(const std::filesystem::path& path) {
  test_util::write_text(path, "#!/bin/sh\n");
  ::chmod(path.c_str(), 0755);
}

}  // namespace

TEST_CASE("a program beside the driver wins over PATH", "[program]") {
  test_util::TempDir dir;
  make_executable(dir / "sh");
  REQUIRE(driver::find_program("sh", dir.path(), "/") == dir / "sh");
}

TEST_CASE("a program not beside the driver is looked up on PATH", "[program]") {
  test_util::TempDir dir;
  REQUIRE(driver::find_program("sh", dir.path(), "/").filename() == "sh");
  REQUIRE(driver::find_program("no-such-program-x", dir.path(), "/").empty());
}

TEST_CASE("a name with a slash is a path from the workdir", "[program]") {
  test_util::TempDir dir;
  make_executable(dir / "bin" / "run.sh");
  REQUIRE(driver::find_program("./bin/run.sh", dir.path() / "elsewhere", dir.path()) ==
          dir / "bin" / "run.sh");
  REQUIRE(driver::find_program("bin/missing.sh", "", dir.path()).empty());
}

TEST_CASE("a file that is not executable is not a program", "[program]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "tool", "data");
  REQUIRE(driver::find_program("./tool", "", dir.path()).empty());
}
