#include "common/file_lock.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <optional>
#include <utility>

#include "common/error.h"
#include "tests/support/test_util.h"

using common::FileLock;
using test_util::TempDir;
using namespace std::chrono_literals;

TEST_CASE("a lock creates its file and parent directories", "[file_lock]") {
  TempDir dir;
  FileLock lock(dir / "runs" / "r1" / ".lock");
  CHECK(std::filesystem::exists(dir / "runs" / "r1" / ".lock"));
  CHECK(lock.fd() >= 0);
}

TEST_CASE("try_lock fails while the lock is held and succeeds once released", "[file_lock]") {
  TempDir dir;
  std::optional<FileLock> held(std::in_place, dir / ".lock");
  CHECK_FALSE(FileLock::try_lock(dir / ".lock", 0ms).has_value());
  CHECK_FALSE(FileLock::try_lock(dir / ".lock", 50ms).has_value());
  held.reset();
  std::optional<FileLock> again = FileLock::try_lock(dir / ".lock", 0ms);
  CHECK(again.has_value());
}

TEST_CASE("a moved lock is held by its new owner", "[file_lock]") {
  TempDir dir;
  std::optional<FileLock> moved;
  {
    FileLock lock(dir / ".lock");
    int fd = lock.fd();
    moved.emplace(std::move(lock));
    CHECK(moved->fd() == fd);
    CHECK(lock.fd() == -1);
  }
  CHECK_FALSE(FileLock::try_lock(dir / ".lock", 0ms).has_value());
  moved.reset();
  CHECK(FileLock::try_lock(dir / ".lock", 0ms).has_value());
}

TEST_CASE("a lock held by a killed process is released by the kernel", "[file_lock]") {
  TempDir dir;
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(ready[0]);
    FileLock lock(dir / ".lock");
    char c = 'y';
    if (::write(ready[1], &c, 1) != 1) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  ::close(ready[0]);
  CHECK_FALSE(FileLock::try_lock(dir / ".lock", 0ms).has_value());
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(FileLock::try_lock(dir / ".lock", 0ms).has_value());
}

TEST_CASE("a lock file that cannot be created is an OutputError naming it", "[file_lock]") {
  TempDir dir;
  test_util::write_text(dir / "file", "");
  std::filesystem::path path = dir / "file" / ".lock";
  CHECK_THROWS_AS(FileLock(path), common::OutputError);
  CHECK_THROWS_WITH(FileLock(path), "cannot open lock file " + path.string() + ": Not a directory");
  CHECK_THROWS_WITH(FileLock::try_lock(path, 0ms),
                    "cannot open lock file " + path.string() + ": Not a directory");
}
