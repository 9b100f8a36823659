// End-to-end tests of the seams where one program hands a file, a stream or a name to the
// next (issue 10 items 1, 3, 4, 8, 16; issue 11 item 4), on the real binaries.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "common/json_util.h"
#include "common/sha256.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using test_util::read_text;
using test_util::run_process;
using test_util::TempDir;
using test_util::write_text;

namespace {

std::string sh_quote(const std::string& s) { return "'" + s + "'"; }

test_util::ProcessResult run_sh(const TempDir& dir, const std::string& script) {
  return run_process({"/bin/sh", "-c", script}, dir.path());
}

test_util::ProcessResult run_bin(const TempDir& dir, const std::string& program,
                                 std::vector<std::string> args) {
  args.insert(args.begin(), test_util::bin(program).string());
  return run_process(args, dir.path());
}

json::object manifest_task(const TempDir& dir, const std::string& run_id, const std::string& task) {
  json::value doc = json::parse(read_text(dir / "runs" / run_id / "manifest.json"));
  return doc.at("tasks").at(task).as_object();
}

std::string small_data() {
  std::string text = "x1,x2,y\n";
  for (int i = 0; i < 200; ++i) {
    text += std::to_string(i % 17) + "," + std::to_string((i * 7) % 13) + "," +
            std::to_string(3 * (i % 17) - (i * 7) % 13 + 1) + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("clean reads a pipe once: every row is kept and the manifest hashes the same bytes",
          "[seams][pipe]") {
  TempDir dir;
  std::string text = "x\n";
  for (int i = 1; i <= 300000; ++i) text += std::to_string(i) + "\n";
  auto r = run_sh(dir, "(echo x; seq 1 300000) | " + sh_quote(test_util::bin("clean").string()) +
                           " --input /dev/stdin --output c.csv --run-id r1");
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "c.csv") == text);
  json::object task = manifest_task(dir, "r1", "clean");
  const json::object& input = task.at("inputs").as_array().at(0).as_object();
  CHECK(input.at("path").as_string() == "/dev/stdin");
  CHECK(input.at("bytes").to_number<std::uint64_t>() == text.size());
  CHECK(input.at("sha256").as_string() == common::sha256_hex(text));
}

TEST_CASE("train, predict and ingest read a FIFO once and agree with the same bytes in a file",
          "[seams][pipe]") {
  TempDir dir;
  write_text(dir / "d.csv", small_data());
  REQUIRE(::mkfifo((dir / "d.fifo").c_str(), 0600) == 0);
  std::string train = sh_quote(test_util::bin("train").string());
  REQUIRE(run_bin(dir, "train", {"--input", "d.csv", "--output", "file.json", "--target", "y"})
              .exit_code == 0);
  auto r = run_sh(
      dir, "cat d.csv > d.fifo & " + train +
               " --input d.fifo --output fifo.json --target y --run-id r2; s=$?; wait; exit $s");
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "fifo.json") == read_text(dir / "file.json"));
  CHECK(manifest_task(dir, "r2", "train").at("inputs").as_array().at(0).at("sha256").as_string() ==
        common::sha256_hex(small_data()));

  std::string predict = sh_quote(test_util::bin("predict").string());
  REQUIRE(run_bin(dir, "predict",
                  {"--model", "file.json", "--input", "d.csv", "--output", "p_file.csv"})
              .exit_code == 0);
  r = run_sh(dir, "cat d.csv > d.fifo & " + predict +
                      " --model file.json --input d.fifo --output p_fifo.csv; s=$?; wait; exit $s");
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "p_fifo.csv") == read_text(dir / "p_file.csv"));

  std::string ingest = sh_quote(test_util::bin("ingest").string());
  r = run_sh(dir, "cat d.csv > d.fifo & " + ingest +
                      " --input d.fifo --output raw.csv; s=$?; wait; exit $s");
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "raw.csv") == small_data());
}

TEST_CASE("an output that is also an input is refused with exit 64 and nothing is written",
          "[seams][output]") {
  TempDir dir;
  write_text(dir / "d.csv", small_data());
  auto r = run_bin(dir, "train", {"--input", "d.csv", "--output", "d.csv", "--target", "y"});
  CHECK(r.exit_code == 64);
  CHECK(r.err ==
        "train: --output \"d.csv\" is also an input (--input \"d.csv\"): writing it would destroy "
        "what is read; choose another output path\n");
  CHECK(read_text(dir / "d.csv") == small_data());
  // The same file by another name (a symbolic link, ./) is the same file.
  fs::create_symlink("d.csv", dir / "link.csv");
  CHECK(run_bin(dir, "clean", {"--input", "link.csv", "--output", "./d.csv"}).exit_code == 64);
  REQUIRE(run_bin(dir, "train", {"--input", "d.csv", "--output", "m.json", "--target", "y"})
              .exit_code == 0);
  r = run_bin(dir, "predict", {"--model", "m.json", "--input", "d.csv", "--output", "m.json"});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("is also an input (--model \"m.json\")") != std::string::npos);
  CHECK(read_text(dir / "d.csv") == small_data());
  CHECK(common::parse_json(read_text(dir / "m.json"), "m.json").is_object());
}

TEST_CASE("a category with invalid UTF-8 gives a model predict loads and log lines that are JSON",
          "[seams][utf8]") {
  TempDir dir;
  std::string text = "x,c,y\n";
  for (int i = 0; i < 100; ++i) {
    text += std::to_string(i) + "," + (i % 2 ? "\xff" : "ok") + "," +
            std::to_string(2 * i + (i % 2) * 5) + "\n";
  }
  write_text(dir / "d.csv", text);
  auto r = run_bin(dir, "train",
                   {"--input", "d.csv", "--output", "m.json", "--target", "y", "--alpha", "0"});
  REQUIRE(r.exit_code == 0);
  std::string model = read_text(dir / "m.json");
  CHECK(common::is_valid_utf8(model));
  CHECK(model.find("\xEF\xBF\xBD") != std::string::npos);
  r = run_bin(dir, "predict", {"--model", "m.json", "--input", "d.csv", "--output", "p.csv"});
  REQUIRE(r.exit_code == 0);
  // The category is known at predict time: the fit is exact, so is the prediction.
  auto lines = test_util::read_lines(dir / "p.csv");
  REQUIRE(lines.size() == 101);
  CHECK(std::abs(std::stod(lines[2]) - 7.0) < 1e-6);  // x 1, c "\xff": 2 + 5
  CHECK(std::abs(std::stod(lines[3]) - 4.0) < 1e-6);  // x 2, c "ok"
  // A message naming the bytes is a valid log line too.
  write_text(dir / "bad.csv", "x,\xfe\n1,2\n");
  CHECK(run_bin(dir, "train",
                {"--input", "bad.csv", "--output", "m2.json", "--target",
                 "\xfe"
                 "z"})
            .exit_code == 65);
  for (std::string log : {"train.log", "predict.log"}) {
    for (const std::string& line : test_util::read_lines(dir / "logs" / log)) {
      CHECK_NOTHROW(common::parse_json(line, log));
    }
  }
}

TEST_CASE("a 10 MB column name gives an error line under 1 KB and short log and manifest entries",
          "[seams][message]") {
  TempDir dir;
  std::string name(10u << 20, 'n');
  write_text(dir / "wide.csv", name + ",y\n1,2\n");
  for (std::string program : {"train", "clean"}) {
    auto r = run_bin(
        dir, program,
        {"--input", "wide.csv", "--output", "out", "--target", "z", "--run-id", "r-" + program});
    CHECK(r.exit_code == 65);
    CHECK(r.err.size() < 1024);
    CHECK(r.err.find("\"z\"") != std::string::npos);
    for (const std::string& line : test_util::read_lines(dir / "logs" / (program + ".log"))) {
      CHECK(line.size() < 8192);
    }
    json::object task = manifest_task(dir, "r-" + program, program);
    CHECK(task.at("error").as_string().size() < 1024);
  }
}

TEST_CASE("a read-only metrics directory fails ingest without replacing raw.csv",
          "[seams][readonly]") {
  TempDir dir;
  write_text(dir / "source.csv", small_data());
  write_text(dir / "raw.csv", "old\n");
  test_util::ScopedTmpfs metrics(dir / "metrics", 1 << 20);
  if (!metrics.mounted() || !metrics.make_read_only()) {
    WARN("SKIPPED: cannot mount a read-only tmpfs (needs root)");
    return;
  }
  auto r = run_bin(dir, "ingest", {"--input", "source.csv", "--output", "raw.csv"});
  CHECK(r.exit_code == 73);
  CHECK(r.err == "ingest: cannot write to metrics: Read-only file system\n");
  CHECK(read_text(dir / "raw.csv") == "old\n");
}

TEST_CASE("a task log ending in a torn record gets the next record on its own line",
          "[seams][jsonl]") {
  TempDir dir;
  write_text(dir / "d.csv", small_data());
  fs::create_directories(dir / "logs");
  write_text(dir / "logs" / "clean.log", "{\"run_id\":\"killed\",\"ts\":");
  REQUIRE(run_bin(dir, "clean", {"--input", "d.csv", "--output", "c.csv"}).exit_code == 0);
  auto lines = test_util::read_lines(dir / "logs" / "clean.log");
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0] == "{\"run_id\":\"killed\",\"ts\":");
  for (std::size_t i = 1; i < lines.size(); ++i)
    CHECK_NOTHROW(common::parse_json(lines[i], "clean.log"));
}

TEST_CASE("a log on a full disk is reported as a full disk, naming the file", "[seams][jsonl]") {
  TempDir dir;
  write_text(dir / "d.csv", small_data());
  fs::create_directories(dir / "logs");
  fs::create_symlink("/dev/full", dir / "logs" / "clean.log");
  auto r = run_bin(dir, "clean", {"--input", "d.csv", "--output", "c.csv"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("warning: cannot append to logs/clean.log: the disk is full (No space left on "
                   "device)\n") != std::string::npos);
}
