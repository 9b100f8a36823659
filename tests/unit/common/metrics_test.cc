#include "common/metrics.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/csv_reader.h"
#include "common/error.h"
#include "common/failure.h"
#include "common/file_lock.h"
#include "tests/support/test_util.h"
#include "tests/unit/common/child_process.h"

using common::append_metrics_row;
using test_util::TempDir;

TEST_CASE("the first row writes the header, later rows do not", "[metrics]") {
  TempDir dir;
  append_metrics_row(dir / "metrics", "train", "run-1", {"rows", "rmse"}, {"10", "0.5"});
  append_metrics_row(dir / "metrics", "train", "run-2", {"rows", "rmse"}, {"12", "0.25"});
  std::vector<std::string> lines = test_util::read_lines(dir / "metrics" / "train.csv");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "run_id,ts,task,rows,rmse");
  CHECK(lines[1].rfind("run-1,", 0) == 0);
  CHECK(lines[1].ends_with(",10,0.5"));
  CHECK(lines[2].rfind("run-2,", 0) == 0);
  // run_id, a 24-character RFC 3339 timestamp, the task (the program run by hand), then
  // the values.
  CHECK(lines[1].size() == std::string("run-1,").size() + 24 + std::string(",train,10,0.5").size());
}

TEST_CASE("metric values holding commas or quotes are quoted", "[metrics]") {
  TempDir dir;
  append_metrics_row(dir.path(), "report", "r", {"sections", "note"}, {"a,b", "say \"x\""});
  std::vector<std::string> lines = test_util::read_lines(dir / "report.csv");
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].ends_with(",\"a,b\",\"say \"\"x\"\"\""));
}

TEST_CASE("an existing file with other columns is refused with a fix", "[metrics]") {
  TempDir dir;
  append_metrics_row(dir.path(), "train", "r", {"rows", "rmse"}, {"1", "2"});
  std::string path = (dir / "train.csv").string();
  CHECK_THROWS_AS(append_metrics_row(dir.path(), "train", "r", {"rows"}, {"1"}), common::DataError);
  CHECK_THROWS_WITH(append_metrics_row(dir.path(), "train", "r", {"rows", "mae"}, {"1", "2"}),
                    path +
                        ":1: header differs from this version's columns (run_id,ts,task,rows,mae); "
                        "move the file aside to start a new one");
  CHECK_THROWS_WITH(append_metrics_row(dir.path(), "train", "r", {"rows"}, {"1"}),
                    path +
                        ":1: header differs from this version's columns (run_id,ts,task,rows); "
                        "move the file aside to start a new one");
  CHECK(test_util::read_lines(dir / "train.csv").size() == 2);
}

TEST_CASE("a row with the wrong number of values is an internal error", "[metrics]") {
  TempDir dir;
  CHECK_THROWS_AS(append_metrics_row(dir.path(), "train", "r", {"a", "b"}, {"1"}),
                  common::InternalError);
  CHECK_THROWS_WITH(append_metrics_row(dir.path(), "train", "r", {"a", "b"}, {"1"}),
                    "metrics row for train has 1 values for 2 columns");
  CHECK_FALSE(std::filesystem::exists(dir / "train.csv"));
}

TEST_CASE("a metrics directory that cannot be created is an OutputError", "[metrics]") {
  TempDir dir;
  test_util::write_text(dir / "file", "");
  CHECK_THROWS_AS(append_metrics_row(dir / "file" / "m", "t", "r", {"a"}, {"1"}),
                  common::OutputError);
}

TEST_CASE("a row cut short by a file-size limit is removed and reported", "[metrics]") {
  TempDir dir;
  append_metrics_row(dir.path(), "train", "r", {"payload"}, {"first"});
  std::string before = test_util::read_text(dir / "train.csv");
  child_process::Result child = child_process::run([&](const auto& report) {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit {
      before.size() + 100, before.size() + 100
    };
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 98;
    try {
      append_metrics_row(dir.path(), "train", "r", {"payload"}, {std::string(1000, 'x')});
    } catch (const common::IoError& e) {
      report(e.what());
      return static_cast<int>(common::exit_code_for(e.kind()));
    }
    return 0;
  });
  CHECK(child.exit_code == 74);
  CHECK(child.message == "cannot append to " + (dir / "train.csv").string() + ": File too large");
  CHECK(test_util::read_text(dir / "train.csv") == before);
}

TEST_CASE("a writer waits while another process holds the file's lock", "[metrics]") {
  // The lock is what keeps the header single; with it held here, a writer in another
  // process must not touch the file however long it is given.
  TempDir dir;
  std::optional<common::FileLock> lock(std::in_place, dir / "train.csv");
  std::fflush(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child inherits the descriptor, and with it the lock: drop it first.
    ::close(lock->fd());
    try {
      append_metrics_row(dir.path(), "train", "r", {"rows"}, {"1"});
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(test_util::read_text(dir / "train.csv").empty());
  lock.reset();
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(test_util::read_lines(dir / "train.csv").size() == 2);
}

TEST_CASE("concurrent processes appending rows write one header and no torn row",
          "[metrics][concurrency]") {
  // Every writer goes through the same 20 files in turn, so each file's creation (where
  // the header is decided) is raced by all of them.
  TempDir dir;
  const int kWriters = 8;
  const int kRows = 200;
  const int kFiles = 20;
  std::vector<int> codes = child_process::run_concurrently(kWriters, [&](int writer) {
    std::string payload(5000 + writer * 311, static_cast<char>('A' + writer));
    for (int i = 0; i < kRows; ++i) {
      append_metrics_row(dir / "metrics", "task" + std::to_string(i % kFiles),
                         "run-" + std::to_string(writer), {"row", "payload", "quoted"},
                         {std::to_string(i), payload, "x,\"y\"\nz"});
    }
    return 0;
  });
  CHECK(codes == std::vector<int>(kWriters, 0));
  std::set<std::string> rows;
  int bad = 0;
  for (int file = 0; file < kFiles; ++file) {
    common::CsvReader reader(dir / "metrics" / ("task" + std::to_string(file) + ".csv"));
    REQUIRE(reader.next());
    CHECK(std::vector<std::string>(reader.fields().begin(), reader.fields().end()) ==
          std::vector<std::string>{"run_id", "ts", "task", "row", "payload", "quoted"});
    while (reader.next()) {
      const auto& f = reader.fields();
      if (f.size() != 6 || f[0].substr(0, 4) != "run-" || f[5] != "x,\"y\"\nz") {
        ++bad;
        continue;
      }
      int writer = std::stoi(std::string(f[0].substr(4)));
      if (f[4] != std::string(5000 + writer * 311, static_cast<char>('A' + writer))) ++bad;
      rows.insert(std::string(f[0]) + "/" + std::string(f[3]));
    }
  }
  CHECK(bad == 0);
  CHECK(rows.size() == static_cast<std::size_t>(kWriters * kRows));
}

TEST_CASE("a metrics row names the DAG task it was written for", "[metrics]") {
  TempDir dir;
  ::setenv("PIPELINE_TASK", "train_strong", 1);
  append_metrics_row(dir.path(), "train", "r", {"rows"}, {"1"});
  ::unsetenv("PIPELINE_TASK");
  append_metrics_row(dir.path(), "train", "r", {"rows"}, {"2"});
  // The driver's rows carry their own task column.
  append_metrics_row(dir.path(), "driver", "r", {"task", "status"}, {"train_weak", "ok"});
  std::vector<std::string> lines = test_util::read_lines(dir / "train.csv");
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].ends_with(",train_strong,1"));
  CHECK(lines[2].ends_with(",train,2"));
  std::vector<std::string> driver = test_util::read_lines(dir / "driver.csv");
  CHECK(driver[0] == "run_id,ts,task,status");
  CHECK(driver[1].ends_with(",train_weak,ok"));
}
