// End-to-end tests of the real `clean` binary in temp workspaces.
#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;
using test_util::write_text;

namespace {

test_util::ProcessResult clean(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), test_util::bin("clean").string());
  return run_process(args, dir.path());
}

}  // namespace

TEST_CASE("clean keeps the reference row count of the housing data", "[clean][housing]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  auto r = clean(dir, {"--input", housing.string(), "--output", "clean.csv"});
  REQUIRE(r.exit_code == 0);
  auto lines = test_util::read_lines(dir / "clean.csv");
  CHECK(lines.size() == 20433 + 1);
  CHECK(lines[0] ==
        "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,"
        "households,median_income,median_house_value,ocean_proximity");
  CHECK(lines[1] == "-122.23,37.88,41,880,129,322,126,8.3252,452600,NEAR BAY");
  CHECK(r.err ==
        "clean: kept 20433 of 20640 rows (207 dropped for nulls or non-finite numbers) into "
        "clean.csv\n");
}

TEST_CASE("clean handles quotes, CRLF, a BOM and writes numbers in shortest form", "[clean]") {
  TempDir dir;
  fs::copy(test_util::source("tests/data/good/tricky.csv"), dir / "tricky.csv");
  auto r = clean(dir, {"--input", "tricky.csv", "--output", "clean.csv"});
  REQUIRE(r.exit_code == 0);
  // Row 2 has NA, row 3 inf: both dropped; 1e3 is written as 1000, 0.000 as 0.
  CHECK(read_text(dir / "clean.csv") ==
        "id,name,score\n1,\"Smith, J.\",3.5\n4,plain,0\n5,x,1000\n");
}

TEST_CASE("clean output is byte-identical when run twice", "[clean]") {
  TempDir dir;
  auto raw = test_util::source("data/raw.csv").string();
  REQUIRE(clean(dir, {"--input", raw, "--output", "a.csv"}).exit_code == 0);
  REQUIRE(clean(dir, {"--input", raw, "--output", "b.csv"}).exit_code == 0);
  CHECK(read_text(dir / "a.csv") == read_text(dir / "b.csv"));
}

TEST_CASE("clean skips and counts ragged rows with --on-bad-row skip", "[clean]") {
  TempDir dir;
  fs::copy(test_util::source("tests/data/bad/ragged.csv"), dir / "ragged.csv");
  auto r = clean(dir, {"--input", "ragged.csv", "--output", "clean.csv", "--on-bad-row", "skip"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == "a,b,c\n1,2,3\n4,5,6\n11,12,13\n");
  CHECK(r.err.find("clean: skipped 1 rows with the wrong number of fields\n") != std::string::npos);
}

TEST_CASE("clean stops on schema drift with a diff and the approving command", "[clean][schema]") {
  TempDir dir;
  write_text(dir / "raw.csv", "a,b,c\n1,x,3\n2,y,4\n");
  auto approve =
      clean(dir, {"--input", "raw.csv", "--output", "clean.csv", "--write-schema", "schema.json"});
  REQUIRE(approve.exit_code == 0);
  std::string approved_output = read_text(dir / "clean.csv");

  write_text(dir / "raw.csv", "a,bb,c,d\n1,x,q,5\n2,y,r,6\n");
  auto r = clean(dir, {"--input", "raw.csv", "--output", "clean.csv", "--schema", "schema.json"});
  CHECK(r.exit_code == 65);
  CHECK(r.err ==
        "clean: raw.csv: schema drift against schema.json (3 changes):\n"
        "  ~ column \"b\" renamed to \"bb\"\n"
        "  + column \"d\" (numeric) added\n"
        "  ~ column \"c\": numeric -> categorical\n"
        "after review, approve the new schema with:\n"
        "  clean --input raw.csv --output clean.csv --write-schema schema.json\n");
  CHECK(read_text(dir / "clean.csv") == approved_output);

  // The approving command from the message works, and the next run passes the check.
  REQUIRE(
      clean(dir, {"--input", "raw.csv", "--output", "clean.csv", "--write-schema", "schema.json"})
          .exit_code == 0);
  CHECK(clean(dir, {"--input", "raw.csv", "--output", "clean.csv", "--schema", "schema.json"})
            .exit_code == 0);
}

TEST_CASE("clean checks the target column named by --target", "[clean]") {
  TempDir dir;
  write_text(dir / "raw.csv", "a,b\n1,x\n2,y\n");
  auto missing = clean(dir, {"--input", "raw.csv", "--output", "c.csv", "--target", "price"});
  CHECK(missing.exit_code == 65);
  CHECK(missing.err == "clean: raw.csv: target column \"price\" not found; columns: a, b\n");
  auto text = clean(dir, {"--input", "raw.csv", "--output", "c.csv", "--target", "b"});
  CHECK(text.exit_code == 65);
  CHECK(text.err == "clean: raw.csv: target column \"b\" is not numeric\n");
}

TEST_CASE("clean honours --delimiter and --null-token, and writes commas", "[clean]") {
  TempDir dir;
  write_text(dir / "raw.csv", "a\tb\n1\t-\n2\t3.0\n");
  auto r = clean(
      dir, {"--input", "raw.csv", "--output", "c.csv", "--delimiter", "\\t", "--null-token", "-"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "c.csv") == "a,b\n2,3\n");
}

TEST_CASE("clean writes the log, metrics row and manifest entry", "[clean][provenance]") {
  TempDir dir;
  write_text(dir / "raw.csv", "a,b\n1,x\n,y\n3,z\n");
  auto r = clean(dir, {"--input", "raw.csv", "--output", "c.csv", "--run-id", "run-1"});
  REQUIRE(r.exit_code == 0);
  auto log = test_util::read_lines(dir / "logs" / "clean.log");
  REQUIRE(log.size() >= 2);
  CHECK(log.front().find("\"event\":\"start\"") != std::string::npos);
  CHECK(log.back().find("\"event\":\"end\"") != std::string::npos);
  CHECK(log.back().find("\"nulls_by_column\":{\"a\":1,\"b\":0}") != std::string::npos);
  auto metrics = test_util::read_lines(dir / "metrics" / "clean.csv");
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0] ==
        "run_id,ts,task,rows_in,rows_out,rows_dropped,bad_rows_skipped,nulls_total,bytes_in,bytes_"
        "out,duration_s");
  CHECK(metrics[1].rfind("run-1,", 0) == 0);
  std::string manifest = read_text(dir / "runs" / "run-1" / "manifest.json");
  CHECK(manifest.find("\"sha256\": \"" + common::sha256_file(dir / "c.csv") + "\"") !=
        std::string::npos);
  CHECK(manifest.find("\"sha256\": \"" + common::sha256_file(dir / "raw.csv") + "\"") !=
        std::string::npos);
  CHECK(manifest.find("\"path\": \"raw.csv\"") != std::string::npos);
  CHECK(manifest.find("\"path\": \"c.csv\"") != std::string::npos);
}

TEST_CASE("clean re-reads the file when a column turns out categorical after the first rows",
          "[clean]") {
  TempDir dir;
  std::string raw = "a,b\n";
  std::string expected = "a,b\n";
  for (int i = 0; i < 1500; ++i) {
    std::string b = i == 1400 ? "n/a" : std::to_string(i) + ".0";
    raw += std::to_string(i) + ".50," + b + "\n";
    // b is categorical, so its values are written as they are; a stays numeric.
    expected += std::to_string(i) + ".5," + b + "\n";
  }
  write_text(dir / "raw.csv", raw);
  auto r = clean(dir, {"--input", "raw.csv", "--output", "c.csv", "--write-schema", "s.json"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "c.csv") == expected);
  CHECK(read_text(dir / "s.json").find("\"name\": \"b\",\n      \"type\": \"categorical\"") !=
        std::string::npos);
}
