#include "common/log.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/version.h"
#include "tests/support/test_util.h"
#include "tests/unit/common/child_process.h"

namespace json = boost::json;
using common::Logger;
using test_util::TempDir;

namespace {

std::vector<json::object> read_records(const std::filesystem::path& path) {
  std::vector<json::object> records;
  for (const std::string& line : test_util::read_lines(path)) {
    records.push_back(json::parse(line).as_object());
  }
  return records;
}

std::vector<std::string> keys_of(const json::object& o) {
  std::vector<std::string> keys;
  for (const auto& item : o) keys.emplace_back(item.key());
  return keys;
}

// Captures std::cerr for the lifetime of the object.
class CaptureStderr {
 public:
  CaptureStderr() : old_(std::cerr.rdbuf(buffer_.rdbuf())) {}
  ~CaptureStderr() { std::cerr.rdbuf(old_); }
  std::string text() const { return buffer_.str(); }

 private:
  std::ostringstream buffer_;
  std::streambuf* old_;
};

}  // namespace

TEST_CASE("rfc3339 gives UTC with milliseconds", "[log]") {
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
  CHECK(common::rfc3339(t) == "2023-11-14T22:13:20.123Z");
  CHECK(common::rfc3339(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(common::rfc3339_now().size() == 24);
}

TEST_CASE("every record has the SPEC's fields in a fixed order", "[log]") {
  TempDir dir;
  {
    Logger log("clean", "run-1", dir / "logs");
    CHECK(log.path() == dir / "logs" / "clean.log");
    log.set_paths({"raw.csv"}, {"clean.csv"});
    log.info("rows", "read 3 rows", json::object{{"rows_in", 3}});
  }
  std::vector<json::object> records = read_records(dir / "logs" / "clean.log");
  REQUIRE(records.size() == 1);
  const json::object& r = records[0];
  CHECK(keys_of(r) == std::vector<std::string>{"run_id", "ts", "task", "program", "level", "event",
                                               "msg", "git_sha", "input_paths", "output_paths",
                                               "metrics", "duration_s", "status"});
  CHECK(r.at("run_id") == "run-1");
  CHECK(r.at("ts").as_string().size() == 24);
  CHECK(r.at("task") == "clean");
  CHECK(r.at("level") == "info");
  CHECK(r.at("event") == "rows");
  CHECK(r.at("msg") == "read 3 rows");
  CHECK(r.at("git_sha") == common::kGitSha);
  CHECK(r.at("input_paths") == json::array{"raw.csv"});
  CHECK(r.at("output_paths") == json::array{"clean.csv"});
  CHECK(r.at("metrics") == json::object{{"rows_in", 3}});
  CHECK(r.at("duration_s").is_double());
  CHECK(r.at("status") == "running");
}

TEST_CASE("start and end events carry the status and the summary goes to stderr", "[log]") {
  TempDir dir;
  CaptureStderr err;
  {
    Logger log("train", "r", dir.path());
    log.start();
    log.end("ok", json::object{{"rmse", 1.5}}, "rmse 1.5");
  }
  CHECK(err.text() == "train: rmse 1.5\n");
  std::vector<json::object> records = read_records(dir / "train.log");
  REQUIRE(records.size() == 2);
  CHECK(records[0].at("event") == "start");
  CHECK(records[0].at("msg") == "started");
  CHECK(records[0].at("status") == "running");
  CHECK(records[1].at("event") == "end");
  CHECK(records[1].at("msg") == "rmse 1.5");
  CHECK(records[1].at("level") == "info");
  CHECK(records[1].at("status") == "ok");
  CHECK(records[1].at("metrics") == json::object{{"rmse", 1.5}});
}

TEST_CASE("a failed end is an error record without a stderr line", "[log]") {
  TempDir dir;
  CaptureStderr err;
  {
    Logger log("train", "r", dir.path());
    log.end("failed");
  }
  CHECK(err.text().empty());
  std::vector<json::object> records = read_records(dir / "train.log");
  REQUIRE(records.size() == 1);
  CHECK(records[0].at("level") == "error");
  CHECK(records[0].at("msg") == "failed");
  CHECK(records[0].at("status") == "failed");
}

TEST_CASE("a warning is logged and echoed to stderr", "[log]") {
  TempDir dir;
  CaptureStderr err;
  {
    Logger log("ingest", "r", dir.path());
    log.warn("retry", "read: attempt 1 failed", json::object{{"attempt", 1}});
  }
  CHECK(err.text() == "ingest: read: attempt 1 failed\n");
  std::vector<json::object> records = read_records(dir / "ingest.log");
  REQUIRE(records.size() == 1);
  CHECK(records[0].at("level") == "warning");
  CHECK(records[0].at("event") == "retry");
}

TEST_CASE("a log is appended to, never truncated", "[log]") {
  TempDir dir;
  for (int i = 0; i < 3; ++i) {
    Logger log("clean", "run-" + std::to_string(i), dir.path());
    log.info("x", "one");
  }
  std::vector<json::object> records = read_records(dir / "clean.log");
  REQUIRE(records.size() == 3);
  CHECK(records[2].at("run_id") == "run-2");
}

TEST_CASE("two loggers in one process write only to their own files", "[log]") {
  TempDir dir;
  {
    Logger a("a", "r", dir.path());
    Logger b("b", "r", dir.path());
    a.info("e", "to a");
    b.info("e", "to b");
    a.info("e", "to a again");
  }
  std::vector<json::object> a = read_records(dir / "a.log");
  std::vector<json::object> b = read_records(dir / "b.log");
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == 1);
  CHECK(b[0].at("msg") == "to b");
}

TEST_CASE("special characters in messages stay valid JSON", "[log]") {
  TempDir dir;
  std::string msg = "line\nbreak \"quoted\" tab\t back\\slash \x01";
  {
    Logger log("t", "r", dir.path());
    log.info("e", msg);
  }
  std::vector<std::string> lines = test_util::read_lines(dir / "t.log");
  REQUIRE(lines.size() == 1);
  CHECK(json::parse(lines[0]).at("msg").as_string() == msg);
}

TEST_CASE("a log directory that cannot be created is an OutputError", "[log]") {
  TempDir dir;
  test_util::write_text(dir / "file", "");
  CHECK_THROWS_AS(Logger("t", "r", dir / "file" / "logs"), common::OutputError);
  CHECK_THROWS_WITH(
      Logger("t", "r", dir / "file" / "logs"),
      "cannot create log directory " + (dir / "file" / "logs").string() + ": Not a directory");
}

TEST_CASE("concurrent processes appending long records never tear a line", "[log][concurrency]") {
  TempDir dir;
  const int kWriters = 8;
  const int kRecords = 200;
  std::vector<int> codes = child_process::run_concurrently(kWriters, [&](int writer) {
    Logger log("shared", "run", dir / "logs");
    // Longer than PIPE_BUF and than a typical stdio buffer, so a torn write would show.
    std::string msg(6000 + writer * 997, static_cast<char>('a' + writer));
    for (int i = 0; i < kRecords; ++i) {
      log.info("row", msg, json::object{{"writer", writer}, {"i", i}});
    }
    return 0;
  });
  CHECK(codes == std::vector<int>(kWriters, 0));
  std::vector<std::string> lines = test_util::read_lines(dir / "logs" / "shared.log");
  REQUIRE(lines.size() == static_cast<std::size_t>(kWriters * kRecords));
  std::map<int, std::set<int>> seen;
  int bad = 0;
  for (const std::string& line : lines) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      ++bad;
      continue;
    }
    int writer = static_cast<int>(v.at("metrics").at("writer").as_int64());
    std::string expected(6000 + writer * 997, static_cast<char>('a' + writer));
    if (v.at("msg") != expected.c_str()) ++bad;
    seen[writer].insert(static_cast<int>(v.at("metrics").at("i").as_int64()));
  }
  CHECK(bad == 0);
  for (int w = 0; w < kWriters; ++w) CHECK(seen[w].size() == static_cast<std::size_t>(kRecords));
}
