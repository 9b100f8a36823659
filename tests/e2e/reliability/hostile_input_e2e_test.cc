// Hostile input beyond the bad-input corpus (tests/e2e/tasks/bad_input_e2e_test.cc):
// numbers that are not what they look like, NUL bytes, CR-only line ends, a very long
// field, 10,000 columns and 200,000 categories. Each goes through clean and train (and
// predict or report where they read it) and either works as docs/csv.md and docs/model.md
// say, or fails with one documented line and exit code; never a crash, a hang or unbounded
// memory: in release builds each program runs under a 256 MiB address-space limit.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "common/json_util.h"
#include "tests/e2e/reliability/reliability_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using test_util::read_text;
using test_util::TempDir;
using test_util::write_text;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// Runs a task program in `dir` under a 256 MiB address-space limit (not under ASan, whose
// shadow memory needs terabytes of address space).
test_util::ProcessResult run(const TempDir& dir, const std::string& program,
                             const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  if (!kAddressSanitizer) argv = {"prlimit", "--as=268435456"};
  argv.push_back(test_util::bin(program).string());
  argv.insert(argv.end(), args.begin(), args.end());
  return test_util::run_process(argv, dir.path(), reliability::clean_env());
}

std::string summary(const test_util::ProcessResult& r) { return reliability::last_line(r.err); }

json::object model(const TempDir& dir, const std::string& name = "trained.pkl") {
  return common::read_json_file(dir / name).as_object();
}

std::vector<std::string> categories_of(const json::object& doc, const std::string& feature) {
  for (const json::value& f : doc.at("features").as_array()) {
    if (f.at("name") == json::value(feature)) {
      return json::value_to<std::vector<std::string>>(f.at("categories"));
    }
  }
  FAIL("no feature " << feature);
  return {};
}

}  // namespace

// 1e309, -0, 0x10, " 12 " and Arabic-Indic digits (docs/csv.md, "Numbers").
TEST_CASE(
    "1e309 is dropped and -0 kept while hex and padded and Arabic-Indic digits are categories",
    "[reliability][hostile]") {
  TempDir dir;
  write_text(dir / "raw.csv",
             "x,t,y\n1e309,0x10,1\n-0,0x10,2\n1, 12 ,3\n2,\xd9\xa1\xd9\xa2,4\n3,0x10,5\n"
             "4, 12 ,6\n5,\xd9\xa1\xd9\xa2,7\n-1e309,\xd9\xa1\xd9\xa2,8\n");
  auto clean = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  REQUIRE(clean.exit_code == 0);
  CHECK(summary(clean) ==
        "clean: kept 6 of 8 rows (2 dropped for nulls or non-finite numbers) into clean.csv");
  CHECK(read_text(dir / "clean.csv") ==
        "x,t,y\n-0,0x10,2\n1, 12 ,3\n2,\xd9\xa1\xd9\xa2,4\n3,0x10,5\n4, 12 "
        ",6\n5,\xd9\xa1\xd9\xa2,7\n");
  json::object end = reliability::events(dir / "logs" / "clean.log", "end").at(0);
  CHECK(end.at("metrics").at("non_finite_by_column").at("x") == 2);

  auto train = run(
      dir, "train",
      {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--test-fraction", "0"});
  REQUIRE(train.exit_code == 0);
  CHECK(categories_of(model(dir), "t") ==
        std::vector<std::string>{" 12 ", "0x10", "\xd9\xa1\xd9\xa2"});

  // predict reads numeric features the same way: text is not a number there either.
  write_text(dir / "rows.csv", "x,t\n-0,\xd9\xa1\xd9\xa2\n0x10,0x10\n");
  auto predict =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "p.csv"});
  CHECK(predict.exit_code == 65);
  CHECK(predict.err == "predict: rows.csv:3: column \"x\": expected a number, got \"0x10\"\n");
  write_text(dir / "rows.csv", "x,t\n1e309,0x10\n");
  predict =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "p.csv"});
  CHECK(predict.exit_code == 65);
  CHECK(predict.err ==
        "predict: rows.csv:2: column \"x\": expected a finite number, got \"1e309\"\n");
  CHECK_FALSE(fs::exists(dir / "p.csv"));
}

TEST_CASE("NUL bytes inside fields are data through clean, train, predict and report",
          "[reliability][hostile]") {
  TempDir dir;
  const std::string nul("a\0b", 3);
  const std::string nul_digit(
      "1\0"
      "2",
      3);  // not a number: from_chars stops at the NUL
  write_text(dir / "raw.csv",
             "x,c,y\n1," + nul + ",1\n2,b,2\n3," + nul + ",3\n4,b,5\n5," + nul_digit + ",6\n");
  auto clean = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  REQUIRE(clean.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == read_text(dir / "raw.csv"));

  auto train = run(
      dir, "train",
      {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--test-fraction", "0"});
  REQUIRE(train.exit_code == 0);
  CHECK(categories_of(model(dir), "c") == std::vector<std::string>{nul_digit, nul, "b"});

  write_text(dir / "rows.csv", "x,c\n1," + nul + "\n1,a\n");
  auto predict =
      run(dir, "predict", {"--model", "trained.pkl", "--input", "rows.csv", "--output", "p.csv"});
  REQUIRE(predict.exit_code == 0);
  std::vector<std::string> p = test_util::read_lines(dir / "p.csv");
  REQUIRE(p.size() == 3);
  CHECK(p[1] != p[2]);  // "a\0b" is its own category, not "a" (unseen, so no contribution)

  auto report = run(dir, "report",
                    {"--input", "trained.pkl", "--input", "clean.csv", "--output", "report.md"});
  CHECK(report.exit_code == 0);
  CHECK(read_text(dir / "report.md").find("`" + nul + "`") != std::string::npos);
}

TEST_CASE("a NUL byte in the header is refused as not a CSV text file", "[reliability][hostile]") {
  TempDir dir;
  write_text(dir / "raw.csv", std::string("x,c\0d,y\n1,2,3\n", 15));
  write_text(dir / "clean.csv", "previous\n");
  auto clean = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  CHECK(clean.exit_code == 65);
  CHECK(clean.err ==
        "clean: raw.csv:1: column 2 of the header holds the control byte 0x00: not a CSV text "
        "file\n");
  CHECK(read_text(dir / "clean.csv") == "previous\n");
}

TEST_CASE("CR-only line ends read like LF ones", "[reliability][hostile]") {
  TempDir dir;
  std::string lf = "x,c,y\n1,a,1\n2,\"b\nc\",2\n3,a,3\n4,b,5\n5,a,8\n";
  std::string cr = lf;
  for (char& ch : cr) {
    if (ch == '\n') ch = '\r';
  }
  write_text(dir / "lf.csv", lf);
  write_text(dir / "cr.csv", cr);
  REQUIRE(run(dir, "clean", {"--input", "lf.csv", "--output", "lf.clean.csv"}).exit_code == 0);
  REQUIRE(run(dir, "clean", {"--input", "cr.csv", "--output", "cr.clean.csv"}).exit_code == 0);
  // The quoted line break is data: it stays a CR, everything else becomes LF.
  std::string expected = lf;
  expected.replace(expected.find("b\nc"), 3, "b\rc");
  CHECK(read_text(dir / "cr.clean.csv") == expected);
  REQUIRE(run(dir, "train",
              {"--input", "cr.clean.csv", "--output", "cr.pkl", "--target", "y", "--test-fraction",
               "0"})
              .exit_code == 0);
  CHECK(categories_of(model(dir, "cr.pkl"), "c") == std::vector<std::string>{"a", "b", "b\rc"});
}

TEST_CASE("a 4 MiB field goes through clean and train within the memory limit",
          "[reliability][hostile]") {
  TempDir dir;
  const std::string big(4 << 20, 'z');
  write_text(dir / "raw.csv", "x,c,y\n1," + big + ",1\n2,b,2\n3," + big + ",3\n4,b,5\n");
  auto clean = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  REQUIRE(clean.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == read_text(dir / "raw.csv"));
  auto train = run(
      dir, "train",
      {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y", "--test-fraction", "0"});
  REQUIRE(train.exit_code == 0);
  CHECK(categories_of(model(dir), "c") == std::vector<std::string>{"b", big});
}

TEST_CASE("ten thousand columns: clean keeps them and train refuses them at the header",
          "[reliability][hostile]") {
  TempDir dir;
  {
    std::ofstream out(dir / "raw.csv");
    for (int c = 0; c < 9999; ++c) out << 'c' << c << ',';
    out << "y\n";
    for (int r = 0; r < 20; ++r) {
      for (int c = 0; c < 10000; ++c) out << (c == 0 ? "" : ",") << (r * 7 + c) % 10;
      out << '\n';
    }
  }
  auto clean = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  REQUIRE(clean.exit_code == 0);
  CHECK(read_text(dir / "clean.csv") == read_text(dir / "raw.csv"));
  write_text(dir / "trained.pkl", "previous\n");
  auto train =
      run(dir, "train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"});
  CHECK(train.exit_code == 65);
  CHECK(
      train.err ==
      "train: clean.csv:1: 9999 feature columns: more than train's limit of 2048 design columns\n");
  CHECK(read_text(dir / "trained.pkl") == "previous\n");
}

TEST_CASE("two hundred thousand categories: clean keeps them and train stops at its design limit",
          "[reliability][hostile]") {
  TempDir dir;
  {
    std::ofstream out(dir / "raw.csv");
    out << "x,id,y\n";
    for (int i = 0; i < 200000; ++i) out << i % 7 << ",k" << i << ',' << (i * 37) % 101 << '\n';
  }
  auto clean = run(dir, "clean", {"--input", "raw.csv", "--output", "clean.csv"});
  REQUIRE(clean.exit_code == 0);
  CHECK(summary(clean) ==
        "clean: kept 200000 of 200000 rows (0 dropped for nulls or non-finite numbers) into "
        "clean.csv");
  json::object end = reliability::events(dir / "logs" / "clean.log", "end").at(0);
  // clean counts distinct values up to a cap, so its memory does not grow with them.
  CHECK(end.at("metrics").at("schema").at(1).at("distinct") == 1000);
  CHECK(end.at("metrics").at("schema").at(1).at("distinct_capped") == true);

  // Line 2584 brings the 2,048th training category (test rows bring none): with the one
  // numeric feature that is one design column too many.
  write_text(dir / "trained.pkl", "previous\n");
  auto train =
      run(dir, "train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"});
  CHECK(train.exit_code == 65);
  CHECK(train.err ==
        "train: clean.csv:2584: more than train's limit of 2048 design columns: 1 numeric and 2048 "
        "one-hot, the most from column \"id\" (2048 categories so far)\n");
  CHECK(read_text(dir / "trained.pkl") == "previous\n");

  // Below the limit it trains: the first 1,000 rows hold about 800 training categories.
  {
    std::ifstream in(dir / "clean.csv");
    std::ofstream out(dir / "head.csv");
    std::string line;
    for (int i = 0; i <= 1000 && std::getline(in, line); ++i) out << line << '\n';
  }
  train = run(dir, "train", {"--input", "head.csv", "--output", "trained.pkl", "--target", "y"});
  INFO(train.err);
  CHECK(train.exit_code == 0);
}
