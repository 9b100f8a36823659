// The task programs under resource limits users meet: a full disk, a file-size limit, a
// read-only workspace, few file descriptors. Each case checks the exit code, the exact
// message, that the previous output is intact and that no temp file is left.
#include <catch2/catch.hpp>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;
using test_util::write_text;

namespace {

// Logs, metrics and manifests go outside the limited workspace, so the output is the
// only thing that hits the limit.
std::vector<std::string> with_dirs(const TempDir& dir, std::vector<std::string> argv) {
  for (const char* d : {"log", "metrics", "runs"}) {
    argv.push_back(std::string("--") + d + "-dir");
    argv.push_back((dir / (std::string("side-") + d)).string());
  }
  return argv;
}

void check_no_temp_files(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("clean on a full disk exits 74 and keeps the previous output", "[limits][clean]") {
  TempDir dir;
  test_util::ScopedTmpfs disk(dir / "disk", 256 * 1024);
  if (!disk.mounted()) {
    WARN("SKIPPED: mounting a tmpfs needs root");
    return;
  }
  write_text(dir / "disk" / "clean.csv", "previous\n");
  auto r = run_process(
      with_dirs(dir, {test_util::bin("clean").string(), "--input",
                      test_util::source("data/raw.csv").string(), "--output", "clean.csv"}),
      dir / "disk");
  CHECK(r.exit_code == 74);
  CHECK(r.err == "clean: cannot write clean.csv: No space left on device\n");
  CHECK(read_text(dir / "disk" / "clean.csv") == "previous\n");
  check_no_temp_files(dir / "disk");
}

TEST_CASE("ingest under a file-size limit exits 74 and keeps the previous output",
          "[limits][ingest]") {
  TempDir dir;
  write_text(dir / "raw.csv", "previous\n");
  auto r = run_process(
      with_dirs(dir, {"prlimit", "--fsize=100000", test_util::bin("ingest").string(), "--input",
                      test_util::source("data/raw.csv").string(), "--output", "raw.csv"}),
      dir.path());
  CHECK(r.exit_code == 74);
  CHECK(r.err == "ingest: cannot write raw.csv: File too large\n");
  CHECK(read_text(dir / "raw.csv") == "previous\n");
  check_no_temp_files(dir.path());
}

TEST_CASE("clean in a read-only workspace exits 73 naming the output", "[limits][clean]") {
  TempDir dir;
  test_util::ScopedTmpfs disk(dir / "ro", 1 << 20);
  if (!disk.mounted()) {
    WARN("SKIPPED: mounting a tmpfs needs root");
    return;
  }
  write_text(dir / "ro" / "clean.csv", "previous\n");
  REQUIRE(disk.make_read_only());
  auto r = run_process(
      with_dirs(dir, {test_util::bin("clean").string(), "--input",
                      test_util::source("data/raw.csv").string(), "--output", "clean.csv"}),
      dir / "ro");
  CHECK(r.exit_code == 73);
  CHECK(r.err == "clean: cannot create clean.csv: Read-only file system\n");
  CHECK(read_text(dir / "ro" / "clean.csv") == "previous\n");

  // With the default log directory inside the workspace, the log is the first casualty.
  auto defaults = run_process({test_util::bin("clean").string(), "--input",
                               test_util::source("data/raw.csv").string(), "--output", "clean.csv"},
                              dir / "ro");
  CHECK(defaults.exit_code == 73);
  CHECK(defaults.err == "clean: cannot create log directory logs: Read-only file system\n");
}

TEST_CASE("tasks work with only 64 file descriptors", "[limits]") {
  TempDir dir;
  auto ingest = run_process({"prlimit", "--nofile=64", test_util::bin("ingest").string(), "--input",
                             test_util::source("data/raw.csv").string(), "--output", "raw.csv"},
                            dir.path());
  CHECK(ingest.exit_code == 0);
  auto clean = run_process({"prlimit", "--nofile=64", test_util::bin("clean").string(), "--input",
                            "raw.csv", "--output", "clean.csv"},
                           dir.path());
  CHECK(clean.exit_code == 0);
}
