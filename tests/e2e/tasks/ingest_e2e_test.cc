// End-to-end tests of the real `ingest` binary: local paths, file:// and http:// sources
// (a real HTTP server: Python's http.server on a loopback port), gzip, retries.
#include <zlib.h>

#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;
using test_util::write_text;

namespace {

const char* kCsv = "a,b\n1,\"two\nlines\"\n3,4\n";

test_util::ProcessResult ingest(const TempDir& dir, std::vector<std::string> args,
                                const test_util::EnvVars& env = {}) {
  args.insert(args.begin(), test_util::bin("ingest").string());
  return run_process(args, dir.path(), env);
}

void write_gzip(const fs::path& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
}

}  // namespace

TEST_CASE("ingest copies a local file and counts records across quoted newlines", "[ingest]") {
  TempDir dir;
  write_text(dir / "src.csv", kCsv);
  auto r = ingest(dir, {"--input", "src.csv", "--output", "raw.csv"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "raw.csv") == kCsv);
  CHECK(r.err == "ingest: ingested 2 rows (" + std::to_string(std::string(kCsv).size()) +
                     " bytes) from src.csv into raw.csv\n");
}

TEST_CASE("ingest reads file:// URIs and decompresses gzip", "[ingest]") {
  TempDir dir;
  write_gzip(dir / "src.csv.gz", kCsv);
  auto r =
      ingest(dir, {"--input", "file://" + (dir / "src.csv.gz").string(), "--output", "raw.csv"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "raw.csv") == kCsv);
}

TEST_CASE("ingest verifies --sha256 of the source", "[ingest]") {
  TempDir dir;
  write_text(dir / "src.csv", kCsv);
  std::string sha = common::sha256_hex(kCsv);
  CHECK(ingest(dir, {"--input", "src.csv", "--output", "raw.csv", "--sha256", sha}).exit_code == 0);
}

TEST_CASE("ingest retries a transient read failure and logs each retry", "[ingest][retry]") {
  TempDir dir;
  write_text(dir / "src.csv", kCsv);
  auto r = ingest(dir, {"--input", "src.csv", "--output", "raw.csv"},
                  {{"PIPELINE_FAILPOINTS", "ingest.read=2"}});
  REQUIRE(r.exit_code == 0);
  std::string log = read_text(dir / "logs" / "ingest.log");
  CHECK(log.find("\"event\":\"retry\",\"msg\":\"ingest.read: attempt 1 failed, retrying: failpoint "
                 "ingest.read: injected transient failure (1 of 2)\"") != std::string::npos);
  CHECK(log.find("attempt 2 failed") != std::string::npos);
  CHECK(log.find("\"attempts\":3") != std::string::npos);
}

TEST_CASE("ingest gives up after three transient failures with exit 75", "[ingest][retry]") {
  TempDir dir;
  write_text(dir / "src.csv", kCsv);
  write_text(dir / "raw.csv", "previous\n");
  auto r = ingest(dir, {"--input", "src.csv", "--output", "raw.csv"},
                  {{"PIPELINE_FAILPOINTS", "ingest.read=3"}});
  CHECK(r.exit_code == 75);
  CHECK(r.err.substr(r.err.rfind("ingest: failpoint")) ==
        "ingest: failpoint ingest.read: injected transient failure (3 of 3)\n");
  CHECK(read_text(dir / "raw.csv") == "previous\n");
}

TEST_CASE("ingest fetches over HTTP, gzip included", "[ingest][http]") {
  TempDir dir;
  fs::create_directory(dir / "www");
  write_text(dir / "www" / "src.csv", kCsv);
  write_gzip(dir / "www" / "src.csv.gz", kCsv);
  int port = test_util::free_port();
  test_util::BackgroundProcess server(
      {"python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1", "--directory",
       (dir / "www").string()},
      dir.path());
  REQUIRE(test_util::wait_for_port(port, 10));
  std::string base = "http://127.0.0.1:" + std::to_string(port) + "/";

  REQUIRE(ingest(dir, {"--input", base + "src.csv", "--output", "a.csv"}).exit_code == 0);
  CHECK(read_text(dir / "a.csv") == kCsv);
  REQUIRE(ingest(dir, {"--input", base + "src.csv.gz", "--output", "b.csv"}).exit_code == 0);
  CHECK(read_text(dir / "b.csv") == kCsv);

  auto missing = ingest(dir, {"--input", base + "nope.csv", "--output", "c.csv"});
  CHECK(missing.exit_code == 66);
  CHECK(missing.err == "ingest: " + base + "nope.csv: HTTP status 404\n");
}

TEST_CASE("ingest reports a refused connection as a temporary failure", "[ingest][http]") {
  TempDir dir;
  int port = test_util::free_port();  // nothing listens there
  auto r = ingest(
      dir, {"--input", "http://127.0.0.1:" + std::to_string(port) + "/x.csv", "--output", "x.csv"});
  CHECK(r.exit_code == 75);
  CHECK(r.err.find("ingest.read: attempt 2 failed, retrying") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "x.csv"));
}
