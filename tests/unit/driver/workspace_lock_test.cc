#include "driver/workspace_lock.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "driver/driver_error.h"
#include "tests/support/test_util.h"

TEST_CASE("a second driver is refused with the holder's pid and run id", "[lock]") {
  test_util::TempDir dir;
  driver::WorkspaceLock held =
      driver::WorkspaceLock::acquire(dir.path(), "run-1", std::chrono::milliseconds(0));
  try {
    driver::WorkspaceLock::acquire(dir.path(), "run-2", std::chrono::milliseconds(0));
    FAIL("acquired twice");
  } catch (const driver::LockedError& e) {
    std::string message = e.what();
    std::string expected = "workdir " + dir.path().string() + " is locked by pid " +
                           std::to_string(::getpid()) + " (run run-1, started ";
    REQUIRE(message.rfind(expected, 0) == 0);
    REQUIRE_THAT(message, Catch::Matchers::EndsWith("); use --lock-wait SECONDS to wait for it"));
  }
}

TEST_CASE("waiting for the lock names the holder and gives up with a clear message", "[lock]") {
  test_util::TempDir dir;
  driver::WorkspaceLock held =
      driver::WorkspaceLock::acquire(dir.path(), "run-1", std::chrono::milliseconds(0));
  std::string waited_for;
  REQUIRE_THROWS_WITH(
      driver::WorkspaceLock::acquire(dir.path(), "run-2", std::chrono::milliseconds(50),
                                     [&](const driver::LockHolder& h) { waited_for = h.run_id; }),
      Catch::Matchers::EndsWith("; gave up after waiting 0.05s"));
  REQUIRE(waited_for == "run-1");
}

TEST_CASE("a lock released normally leaves no holder behind", "[lock]") {
  test_util::TempDir dir;
  { driver::WorkspaceLock::acquire(dir.path(), "run-1", std::chrono::milliseconds(0)); }
  REQUIRE_FALSE(driver::read_lock_holder(dir.path()));
  driver::WorkspaceLock again =
      driver::WorkspaceLock::acquire(dir.path(), "run-2", std::chrono::milliseconds(0));
  REQUIRE_FALSE(again.taken_over());
}

TEST_CASE("a lock record left by a dead holder is reported as taken over", "[lock]") {
  test_util::TempDir dir;
  test_util::write_text(dir / ".lock", R"({"pid": 999999, "run_id": "crashed", "started": "x"})");
  driver::WorkspaceLock lock =
      driver::WorkspaceLock::acquire(dir.path(), "run-2", std::chrono::milliseconds(0));
  REQUIRE(lock.taken_over());
  REQUIRE(lock.taken_over()->pid == 999999);
  REQUIRE(lock.taken_over()->run_id == "crashed");
  REQUIRE(driver::read_lock_holder(dir.path())->run_id == "run-2");
}
