#include "common/atomic_file.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/failure.h"
#include "common/manifest.h"
#include "common/run_main.h"
#include "common/sha256.h"
#include "common/written_files.h"
#include "tests/support/test_util.h"
#include "tests/unit/common/child_process.h"

namespace fs = std::filesystem;
using common::AtomicFile;
using test_util::TempDir;

namespace {

// Names in `dir` other than `except`.
std::vector<std::string> other_files(const fs::path& dir, const std::string& except) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name != except) names.push_back(name);
  }
  return names;
}

}  // namespace

TEST_CASE("commit replaces the target's content", "[atomic_file]") {
  TempDir dir;
  test_util::write_text(dir / "out.csv", "old\n");
  {
    AtomicFile file(dir / "out.csv");
    file.write("new ");
    file.write("content\n");
    CHECK(file.size() == 12);
    CHECK(test_util::read_text(dir / "out.csv") == "old\n");
    file.commit();
  }
  CHECK(test_util::read_text(dir / "out.csv") == "new content\n");
  CHECK(other_files(dir.path(), "out.csv").empty());
}

TEST_CASE("the temp file sits beside the target and is named after it", "[atomic_file]") {
  TempDir dir;
  AtomicFile file(dir / "out.csv");
  std::string prefix = ".out.csv.tmp-" + std::to_string(::getpid()) + "-";
  CHECK(file.temp_path().parent_path() == dir.path());
  CHECK(file.temp_path().filename().string().rfind(prefix, 0) == 0);
  CHECK(fs::exists(file.temp_path()));
  CHECK(file.target() == dir / "out.csv");
}

TEST_CASE("a file destroyed without commit leaves the old content and no temp file",
          "[atomic_file]") {
  TempDir dir;
  test_util::write_text(dir / "out.csv", "old\n");
  {
    AtomicFile file(dir / "out.csv");
    file.write(std::string(3 << 20, 'x'));  // more than the buffer: some of it reached disk
  }
  CHECK(test_util::read_text(dir / "out.csv") == "old\n");
  CHECK(other_files(dir.path(), "out.csv").empty());
}

TEST_CASE("large and small writes arrive in order", "[atomic_file]") {
  TempDir dir;
  std::string expected;
  {
    AtomicFile file(dir / "out.bin");
    for (int i = 0; i < 50; ++i) {
      std::string chunk(static_cast<std::size_t>(i * i * 997 % 3000000),
                        static_cast<char>('a' + i % 26));
      file.write(chunk);
      expected += chunk;
    }
    CHECK(file.size() == expected.size());
    file.commit();
  }
  CHECK(test_util::read_text(dir / "out.bin") == expected);
}

TEST_CASE("commit knows the sha256 of what was written, small or large", "[atomic_file]") {
  TempDir dir;
  // Small files are hashed as they are flushed, large ones on a second thread: both must
  // give the digest of the bytes on disk, and describe_file must use it.
  for (std::size_t size : {std::size_t{0}, std::size_t{5}, std::size_t{3u << 20}}) {
    std::string content;
    for (std::size_t i = 0; i < size; ++i) content.push_back(static_cast<char>('a' + i * 7 % 26));
    AtomicFile file(dir / "out.bin");
    file.write(content.substr(0, size / 3));
    file.write(content.substr(size / 3));
    file.commit();
    CHECK(file.sha256() == common::sha256_hex(content));
    CHECK(common::written_sha256(dir / "out.bin") == file.sha256());
    CHECK(common::describe_file(dir / "out.bin").sha256 == common::sha256_hex(content));
  }
}

TEST_CASE("a file changed after commit is hashed again", "[atomic_file]") {
  TempDir dir;
  common::write_file_atomically(dir / "out.txt", "first");
  REQUIRE(common::written_sha256(dir / "out.txt").has_value());
  test_util::write_text(dir / "other.txt", "second, longer");
  fs::rename(dir / "other.txt", dir / "out.txt");  // another inode
  CHECK_FALSE(common::written_sha256(dir / "out.txt").has_value());
  CHECK(common::describe_file(dir / "out.txt").sha256 == common::sha256_hex("second, longer"));
  common::write_file_atomically(dir / "grows.txt", "abc");
  {
    std::FILE* f = std::fopen((dir / "grows.txt").c_str(), "a");  // same inode, new size
    std::fputs("def", f);
    std::fclose(f);
  }
  CHECK_FALSE(common::written_sha256(dir / "grows.txt").has_value());
  CHECK(common::describe_file(dir / "grows.txt").sha256 == common::sha256_hex("abcdef"));
}

TEST_CASE("missing parent directories are created", "[atomic_file]") {
  TempDir dir;
  common::write_file_atomically(dir / "a" / "b" / "c.txt", "hello");
  CHECK(test_util::read_text(dir / "a" / "b" / "c.txt") == "hello");
}

TEST_CASE("a relative target is written in the current directory", "[atomic_file]") {
  TempDir dir;
  fs::path old = fs::current_path();
  fs::current_path(dir.path());
  common::write_file_atomically("rel.txt", "x");
  fs::current_path(old);
  CHECK(test_util::read_text(dir / "rel.txt") == "x");
}

TEST_CASE("a process killed before commit leaves the old content and a stale temp file",
          "[atomic_file]") {
  TempDir dir;
  test_util::write_text(dir / "out.csv", "old\n");
  child_process::Result child = child_process::run([&](const auto&) {
    AtomicFile file(dir / "out.csv");
    file.write(std::string(3 << 20, 'x'));
    ::raise(SIGKILL);
    return 0;
  });
  REQUIRE(child.signal == SIGKILL);
  CHECK(test_util::read_text(dir / "out.csv") == "old\n");
  std::vector<std::string> leftovers = other_files(dir.path(), "out.csv");
  REQUIRE(leftovers.size() == 1);
  CHECK(leftovers[0].rfind(".out.csv.tmp-", 0) == 0);

  CHECK(common::remove_stale_temp_files(dir / "out.csv") == 1);
  CHECK(other_files(dir.path(), "out.csv").empty());
  CHECK(test_util::read_text(dir / "out.csv") == "old\n");
}

TEST_CASE("temp files of running processes and unrelated files are not removed", "[atomic_file]") {
  TempDir dir;
  AtomicFile mine(dir / "out.csv");                     // this process is alive
  test_util::write_text(dir / ".out.csv.tmp-1-0", "");  // pid 1 is alive too
  test_util::write_text(dir / ".other.csv.tmp-999999-0", "");
  test_util::write_text(dir / "out.csv.bak", "");
  CHECK(common::remove_stale_temp_files(dir / "out.csv") == 0);
  CHECK(fs::exists(mine.temp_path()));
  CHECK(fs::exists(dir / ".out.csv.tmp-1-0"));
  CHECK(fs::exists(dir / ".other.csv.tmp-999999-0"));
  CHECK(fs::exists(dir / "out.csv.bak"));
}

TEST_CASE("remove_stale_temp_files never throws on a missing directory", "[atomic_file]") {
  TempDir dir;
  CHECK(common::remove_stale_temp_files(dir / "no" / "such" / "out.csv") == 0);
}

TEST_CASE("a target in a read-only directory is an OutputError with the path", "[atomic_file]") {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec |
                                  fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  // root ignores permissions: drop to an unprivileged user in a child first.
  child_process::Result child = child_process::run([&](const auto& report) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return 98;
    try {
      AtomicFile file(dir / "ro" / "out.csv");
    } catch (const common::OutputError& e) {
      report(e.what());
      return static_cast<int>(common::exit_code_for(e.kind()));
    }
    return 0;
  });
  REQUIRE(child.exit_code == 73);
  CHECK(child.message ==
        "cannot create " + (dir / "ro" / "out.csv").string() + ": Permission denied");
}

TEST_CASE("a target under a regular file is an OutputError naming the directory", "[atomic_file]") {
  TempDir dir;
  test_util::write_text(dir / "file", "");
  CHECK_THROWS_AS(AtomicFile(dir / "file" / "out.csv"), common::OutputError);
  CHECK_THROWS_WITH(AtomicFile(dir / "file" / "out.csv"),
                    "cannot create directory " + (dir / "file").string() + ": Not a directory");
}

TEST_CASE("a file-size limit is an I/O error with exit code 74 and the target untouched",
          "[atomic_file]") {
  TempDir dir;
  test_util::write_text(dir / "out.csv", "old\n");
  fs::path err_path = dir / "stderr.txt";
  child_process::Result child = child_process::run([&](const auto&) {
    std::FILE* err = std::freopen(err_path.c_str(), "w", stderr);
    if (err == nullptr) return 97;
    struct rlimit limit {
      64 * 1024, 64 * 1024
    };
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 98;
    // run_main ignores SIGXFSZ, so the write fails with EFBIG instead of killing us.
    return common::run_main("save", [&] {
      common::write_file_atomically(dir / "out.csv", std::string(1 << 20, 'x'));
      return 0;
    });
  });
  CHECK(child.signal == 0);
  CHECK(child.exit_code == 74);
  CHECK(test_util::read_text(err_path) ==
        "save: cannot write " + (dir / "out.csv").string() + ": File too large\n");
  CHECK(test_util::read_text(dir / "out.csv") == "old\n");
  CHECK(other_files(dir.path(), "out.csv") == std::vector<std::string>{"stderr.txt"});
}
