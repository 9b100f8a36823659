#include "driver/service_check.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using driver::service_problem;
using test_util::TempDir;

TEST_CASE("a running process named by a fresh pid file is a running service", "[service]") {
  TempDir dir;
  test_util::write_text(dir / "serve.pid", std::to_string(::getpid()) + "\n");
  CHECK(service_problem(dir / "serve.pid", "deploy/serve.pid") == "");
}

TEST_CASE("a missing or empty pid file is no service", "[service]") {
  TempDir dir;
  CHECK(service_problem(dir / "serve.pid", "deploy/serve.pid") ==
        "service not running: deploy/serve.pid missing");
  test_util::write_text(dir / "serve.pid", "not a pid\n");
  CHECK(service_problem(dir / "serve.pid", "deploy/serve.pid") ==
        "service not running: deploy/serve.pid holds no pid");
}

TEST_CASE("the pid of a process that exited is no service", "[service]") {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  TempDir dir;
  test_util::write_text(dir / "serve.pid", std::to_string(child) + "\n");
  CHECK(service_problem(dir / "serve.pid", "deploy/serve.pid") ==
        "service not running: pid " + std::to_string(child) + " of deploy/serve.pid is gone");
}

TEST_CASE("a zombie is no service", "[service]") {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  TempDir dir;
  test_util::write_text(dir / "serve.pid", std::to_string(child) + "\n");
  // Not reaped yet: a zombie until waitpid below.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string problem;
  while (std::chrono::steady_clock::now() < deadline) {
    problem = service_problem(dir / "serve.pid", "deploy/serve.pid");
    if (!problem.empty()) break;
  }
  CHECK(problem ==
        "service not running: pid " + std::to_string(child) + " of deploy/serve.pid is gone");
  int status = 0;
  ::waitpid(child, &status, 0);
}

TEST_CASE("a pid file older than the process it names is no service (pid reused)", "[service]") {
  // After a reboot the old pid may belong to a process started later than the file.
  TempDir dir;
  test_util::write_text(dir / "serve.pid", std::to_string(::getpid()) + "\n");
  fs::last_write_time(dir / "serve.pid",
                      fs::file_time_type::clock::now() - std::chrono::hours(24 * 365));
  CHECK(service_problem(dir / "serve.pid", "deploy/serve.pid") ==
        "service not running: pid " + std::to_string(::getpid()) + " of deploy/serve.pid is gone");
}
