// report as a program: the housing report, byte-identical re-runs, notes, templates,
// retries, and bad inputs with their exit codes and messages.
#include <catch2/catch.hpp>

#include "tests/e2e/tasks/train_e2e_util.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using test_util::read_lines;
using test_util::read_text;
using test_util::TempDir;
using test_util::write_text;
using train_e2e::read_json;
using train_e2e::run;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// A workspace with clean.csv (the small table) and trained.pkl.
void trained_workspace(const TempDir& dir) {
  write_text(dir / "clean.csv", train_e2e::small_table());
  auto r = run("train", {"--input", "clean.csv", "--output", "trained.pkl", "--target", "y"},
               dir.path());
  REQUIRE(r.exit_code == 0);
}

test_util::ProcessResult report(const TempDir& dir, std::vector<std::string> extra = {},
                                const test_util::EnvVars& env = {}) {
  std::vector<std::string> args = {"--input",   "trained.pkl", "--input",
                                   "clean.csv", "--output",    "out/report.md"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run("report", args, dir.path(), env);
}

}  // namespace

TEST_CASE("the housing report has every section, the reference figures and both charts",
          "[report][e2e]") {
  REQUIRE_HOUSING_OR_SKIP(housing);
  TempDir dir;
  train_e2e::write_clean_housing(housing, dir / "clean.csv");
  REQUIRE(run("train",
              {"--input", "clean.csv", "--output", "trained.pkl", "--target", "median_house_value"},
              dir.path())
              .exit_code == 0);
  auto r = report(dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err == "report: rendered 5 sections and 2 charts -> out/report.md\n");
  std::string md = read_text(dir / "out/report.md");
  for (const char* heading :
       {"\n## Summary\n", "\n## Data\n", "\n## Model\n", "\n## Evaluation\n",
        "\n## Reproducibility\n", "\n### Error by `ocean_proximity` (test rows)\n"}) {
    INFO(heading);
    REQUIRE(count(md, heading) == 1);
  }
  REQUIRE(md.find("| model | 67710.95 | 49449.46 | 0.6559 |") != std::string::npos);
  REQUIRE(md.find("| baseline: the training mean | 115452.79 | | |") != std::string::npos);
  REQUIRE(md.find("| `median_house_value` | 14999 | 500001 | 206864.41 | 115432.84 |") !=
          std::string::npos);
  REQUIRE(md.find("| `<1H OCEAN` | 9034 | 44.2% |") != std::string::npos);
  // Coefficients sorted by magnitude: ISLAND's is the largest, median_income next.
  REQUIRE(md.find("| `ocean_proximity=ISLAND` | 105284.10 |\n| `median_income` | 74482.53 |\n") !=
          std::string::npos);
  REQUIRE(
      md.find("![Predicted against actual values on the test rows](report_pred_vs_actual.svg)") !=
      std::string::npos);
  REQUIRE(md.find("![Histogram of the residuals on the test rows](report_residuals.svg)") !=
          std::string::npos);
  REQUIRE(md.find("`clean.csv` is the file the model was trained on") != std::string::npos);
  REQUIRE(md.find("\n\n\n") == std::string::npos);

  std::string scatter = read_text(dir / "out/report_pred_vs_actual.svg");
  REQUIRE(count(scatter, "<circle ") == 4113);
  REQUIRE(scatter.find("y = x") != std::string::npos);
  std::string residuals = read_text(dir / "out/report_residuals.svg");
  REQUIRE(residuals.find("<rect x=") != std::string::npos);
  REQUIRE(residuals.find(">residual: actual - predicted median_house_value</text>") !=
          std::string::npos);
}

TEST_CASE("reporting twice gives byte-identical outputs, whatever the order of the inputs",
          "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  REQUIRE(report(dir, {"--run-id", "one"}).exit_code == 0);
  std::vector<std::string> first;
  for (const char* f :
       {"out/report.md", "out/report_pred_vs_actual.svg", "out/report_residuals.svg"}) {
    first.push_back(read_text(dir / f));
  }
  auto r = run("report",
               {"--input", "clean.csv", "--input", "trained.pkl", "--output", "out/report.md",
                "--run-id", "two"},
               dir.path());
  REQUIRE(r.exit_code == 0);
  REQUIRE(read_text(dir / "out/report.md") == first[0]);
  REQUIRE(read_text(dir / "out/report_pred_vs_actual.svg") == first[1]);
  REQUIRE(read_text(dir / "out/report_residuals.svg") == first[2]);
}

TEST_CASE("report takes the model and the data from --model and --data", "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  auto r = run("report", {"--model", "trained.pkl", "--data", "clean.csv", "--output", "report.md"},
               dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(dir / "report_residuals.svg"));
}

TEST_CASE("the notes are included verbatim and never modified", "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  std::string notes =
      "Reviewed by **Ana**: the {{target}} | split looks fine & <stable>.\n\n    code block\n";
  write_text(dir / "notes.md", notes);
  auto r = report(dir, {"--notes", "notes.md"});
  REQUIRE(r.exit_code == 0);
  std::string md = read_text(dir / "out/report.md");
  REQUIRE(md.size() > notes.size());
  REQUIRE(md.substr(md.size() - notes.size()) == notes);
  REQUIRE(md.find("\n## Notes\n\n" + notes) != std::string::npos);
  REQUIRE(read_text(dir / "notes.md") == notes);
  REQUIRE(report(dir, {"--notes", "missing.md"}).exit_code == 66);
}

TEST_CASE("an edited template in templates/ is used, and --template names another",
          "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  write_text(dir / "templates/report.md.mustache",
             "# {{target}}\n\nRMSE {{test_rmse}} over {{rows_test}} rows\n");
  REQUIRE(report(dir).exit_code == 0);
  REQUIRE(read_text(dir / "out/report.md").rfind("# y\n\nRMSE ", 0) == 0);
  write_text(dir / "mine.mustache", "{{#coefficients}}{{name}};{{/coefficients}}");  // by magnitude
  REQUIRE(report(dir, {"--template", "mine.mustache"}).exit_code == 0);
  REQUIRE(read_text(dir / "out/report.md") == "x1;x2;city=north;city=east;city=south;");
}

TEST_CASE("data other than the training data is flagged in the report", "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  std::vector<std::string> lines = read_lines(dir / "clean.csv");
  std::string half;
  for (std::size_t i = 0; i < lines.size() / 2; ++i) half += lines[i] + "\n";
  write_text(dir / "clean.csv", half);
  auto r = report(dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(read_text(dir / "out/report.md")
              .find("> **Note:** `clean.csv` is not the file this model was trained on") !=
          std::string::npos);
}

TEST_CASE("a transient read failure is retried and logged", "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  auto r = report(dir, {}, {{"PIPELINE_FAILPOINTS", "report.read=2"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::size_t retries = 0;
  for (const std::string& line : read_lines(dir / "logs/report.log")) {
    json::object record = common::parse_json(line, "report.log").as_object();
    if (record["event"] == "retry") ++retries;
  }
  REQUIRE(retries == 2);
}

TEST_CASE("a write that keeps failing exits 75 and leaves the previous report", "[report][e2e]") {
  TempDir dir;
  trained_workspace(dir);
  write_text(dir / "out/report.md", "previous\n");
  auto r = report(dir, {}, {{"PIPELINE_FAILPOINTS", "report.write=3"}});
  REQUIRE(r.exit_code == 75);
  REQUIRE(r.err.find("report: failpoint report.write: injected transient failure (3 of 3)\n") !=
          std::string::npos);
  REQUIRE(read_text(dir / "out/report.md") == "previous\n");
  REQUIRE_FALSE(fs::exists(dir / "out/report_residuals.svg"));
}

namespace {

struct BadCase {
  const char* name;
  std::function<void(const TempDir&)> setup;  // after trained_workspace
  std::vector<std::string> args;              // the whole command line
  int exit_code;
  const char* message;  // the whole of stderr
};

void set_version(const TempDir& dir, const char* version) {
  std::string doc = read_text(dir / "trained.pkl");
  doc.replace(doc.find("\"version\": 1"), 12, std::string("\"version\": ") + version);
  write_text(dir / "trained.pkl", doc);
}

}  // namespace

TEST_CASE("bad inputs fail with their exit code and message and keep the previous report",
          "[report][e2e]") {
  std::vector<std::string> usual = {"--input",   "trained.pkl", "--input",
                                    "clean.csv", "--output",    "report.md"};
  std::vector<BadCase> cases = {
      {"model of a newer version", [](const TempDir& d) { set_version(d, "2"); }, usual, 65,
       "report: trained.pkl: model format version 2 is newer than this program supports (1); use a "
       "newer pipeline "
       "build\n"},
      {"model of another format",
       [](const TempDir& d) {
         write_text(d / "trained.pkl", "{\"format\": \"something\", \"version\": 1}\n");
       },
       usual, 65,
       "report: trained.pkl: not a model document: expected \"format\": \"pipeline-model\", found "
       "\"something\"\n"},
      {"data without a feature",
       [](const TempDir& d) { write_text(d / "clean.csv", "x1,x2,y\n1,2,3\n"); }, usual, 65,
       "report: clean.csv: missing column \"city\" needed by the model; columns: x1, x2, y\n"},
      {"empty data", [](const TempDir& d) { write_text(d / "clean.csv", ""); }, usual, 65,
       "report: clean.csv: empty file: expected a header row\n"},
      {"header only", [](const TempDir& d) { write_text(d / "clean.csv", "x1,city,x2,y\n"); },
       usual, 65, "report: clean.csv: no data rows (header only)\n"},
      {"two data files",
       [](const TempDir&) {},
       {"--input", "clean.csv", "--input", "clean.csv", "--output", "report.md"},
       64,
       "report: cannot tell the model from the data: both clean.csv and clean.csv look like data "
       "(not JSON); name them "
       "with --model and --data\n"},
      {"missing data",
       [](const TempDir&) {},
       {"--input", "trained.pkl", "--input", "gone.csv", "--output", "report.md"},
       66,
       "report: cannot open gone.csv: No such file or directory\n"},
      {"broken template",
       [](const TempDir& d) { write_text(d / "t.mustache", "{{#rows}}"); },
       {"--input", "trained.pkl", "--input", "clean.csv", "--output", "report.md", "--template",
        "t.mustache"},
       65,
       "report: t.mustache: invalid template: Unclosed section \"rows\" at 0\n"},
      {"notes as the output",
       [](const TempDir&) {},
       {"--input", "trained.pkl", "--input", "clean.csv", "--output", "report.md", "--notes",
        "report.md"},
       64,
       "report: --output \"report.md\" is also an input (--notes \"report.md\"): writing it "
       "would destroy what is read; choose another output path\n"},
  };
  for (const BadCase& c : cases) {
    SECTION(c.name) {
      TempDir dir;
      trained_workspace(dir);
      c.setup(dir);
      write_text(dir / "report.md", "previous\n");
      auto r = run("report", c.args, dir.path());
      REQUIRE(r.err == c.message);
      REQUIRE(r.exit_code == c.exit_code);
      REQUIRE(read_text(dir / "report.md") == "previous\n");
      REQUIRE_FALSE(fs::exists(dir / "report_pred_vs_actual.svg"));
    }
  }
}
