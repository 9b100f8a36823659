// The bad-input corpus (tests/data/bad/ plus files generated here that are too big or too
// binary to commit): every case asserts the exit code, the exact one-line message, that
// the previous output is untouched and that no temp file is left behind.
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>

#include "tests/support/test_util.h"

namespace fs = std::filesystem;
using test_util::read_text;
using test_util::TempDir;

namespace {

struct BadCase {
  std::string program;
  std::vector<std::string> args;  // "{bad}/name" is replaced by the corpus path
  int exit_code;
  std::string message;  // exact stderr
};

void run_case(const BadCase& c) {
  TempDir dir;
  for (const auto& entry : fs::directory_iterator(test_util::source("tests/data/bad"))) {
    fs::copy(entry.path(), dir / entry.path().filename().string());
  }
  test_util::write_text(dir / "previous.out", "previous\n");
  std::vector<std::string> argv{test_util::bin(c.program).string()};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  argv.insert(argv.end(), {"--output", "previous.out"});
  // Generated inputs: binary garbage and a 100 MB single line.
  {
    std::ofstream garbage(dir / "garbage.bin", std::ios::binary);
    std::uint64_t x = 12345;
    for (int i = 0; i < 4096; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      garbage.put(static_cast<char>(x >> 56));
    }
  }
  if (std::find(c.args.begin(), c.args.end(), "long_line.csv") != c.args.end()) {
    std::ofstream line(dir / "long_line.csv", std::ios::binary);
    std::string block(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) line << block;
    line << '\n';
  }
  auto r = test_util::run_process(argv, dir.path());
  INFO(c.program << " " << c.args[0] << " ...");
  CHECK(r.exit_code == c.exit_code);
  CHECK(r.err == c.message);
  CHECK(read_text(dir / "previous.out") == "previous\n");
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("clean rejects each bad input with its exit code and message", "[bad-input][clean]") {
  std::vector<BadCase> cases = {
      {"clean",
       {"--input", "empty.csv"},
       65,
       "clean: empty.csv: empty file: expected a header row\n"},
      {"clean",
       {"--input", "header_only.csv"},
       65,
       "clean: header_only.csv: no data rows after the header\n"},
      {"clean",
       {"--input", "semicolon.csv"},
       65,
       "clean: semicolon.csv:1: found a single column whose name contains ';': wrong delimiter? "
       "(use --delimiter ';')\n"},
      {"clean",
       {"--input", "ragged.csv"},
       65,
       "clean: ragged.csv:4: expected 3 fields, found 4 (use --on-bad-row skip to drop such "
       "rows)\n"},
      {"clean",
       {"--input", "all_null.csv"},
       65,
       "clean: all_null.csv: no rows left after dropping 3 with nulls or non-finite numbers\n"},
      {"clean",
       {"--input", "duplicate_columns.csv"},
       65,
       "clean: duplicate_columns.csv:1: duplicate column name \"a\" (columns 1 and 3)\n"},
      {"clean",
       {"--input", "unterminated_quote.csv"},
       65,
       "clean: unterminated_quote.csv:2: unterminated quoted field (end of file reached)\n"},
      {"clean",
       {"--input", "long_line.csv"},
       65,
       "clean: long_line.csv:1: record longer than the 64 MiB limit\n"},
      {"clean",
       {"--input", "missing.csv"},
       66,
       "clean: cannot open missing.csv: No such file or directory\n"},
      {"clean",
       {"--input", "ragged.csv", "--delimiter", "ab"},
       64,
       "clean: invalid --delimiter 'ab': expected one character (or \\t)\n"},
      {"clean",
       {"--input", "ragged.csv", "--on-bad-row", "maybe"},
       64,
       "clean: invalid --on-bad-row 'maybe': expected error or skip\n"},
      {"clean",
       {"--input", "ragged.csv", "--frobnicate"},
       64,
       "clean: unrecognised option '--frobnicate' (see clean --help)\n"},
  };
  for (const BadCase& c : cases) run_case(c);
}

TEST_CASE("clean rejects binary garbage with a one-line message", "[bad-input][clean]") {
  run_case({"clean",
            {"--input", "garbage.bin"},
            65,
            "clean: garbage.bin:1: column 1 of the header holds the control byte 0x1c: not a CSV "
            "text file\n"});
}

TEST_CASE("ingest rejects each bad source with its exit code and message", "[bad-input][ingest]") {
  std::vector<BadCase> cases = {
      {"ingest", {"--input", "empty.csv"}, 65, "ingest: empty.csv: the source is empty\n"},
      {"ingest",
       {"--input", "unterminated_quote.csv"},
       65,
       "ingest: unterminated_quote.csv:2: unterminated quoted field (end of file reached)\n"},
      {"ingest",
       {"--input", "missing.csv"},
       66,
       "ingest: cannot open missing.csv: No such file or directory\n"},
      {"ingest",
       {"--input", "ragged.csv", "--sha256", "00"},
       65,
       "ingest: ragged.csv: sha256 mismatch: expected 00, got "
       "a71bbf44f89d31692e024bc477c0821a3dcece74611bd482607b9a964b02c4cb\n"},
      {"ingest",
       {"--input", "ftp://example.com/x.csv"},
       64,
       "ingest: unsupported source 'ftp://example.com/x.csv': expected a path, file://, http:// or "
       "https://\n"},
  };
  for (const BadCase& c : cases) run_case(c);
}
