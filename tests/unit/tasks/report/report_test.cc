#include "tasks/report/report.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/support/test_util.h"

using tasks::ReportOptions;
using tasks::resolve_inputs;
using test_util::TempDir;
using test_util::write_text;

namespace {

std::string usage_error(const ReportOptions& options) {
  try {
    resolve_inputs(options);
  } catch (const common::UsageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the model is told from the data by its content", "[report]") {
  TempDir dir;
  write_text(dir / "m.pkl", "\n  {\"format\": \"pipeline-model\"}");
  write_text(dir / "d.csv", "x,y\n1,2\n");
  ReportOptions options;
  options.inputs = {(dir / "d.csv").string(), (dir / "m.pkl").string()};
  tasks::ReportInputs in = resolve_inputs(options);
  REQUIRE(in.model == (dir / "m.pkl").string());
  REQUIRE(in.data == (dir / "d.csv").string());
}

TEST_CASE("the inputs can be named explicitly with --model and --data", "[report]") {
  ReportOptions options;
  options.model = "m.json";
  options.data = "d.csv";
  options.inputs = {"m.json", "d.csv"};
  tasks::ReportInputs in = resolve_inputs(options);
  REQUIRE(in.model == "m.json");
  REQUIRE(in.data == "d.csv");
}

TEST_CASE("inputs that are not one model and one data file are usage errors", "[report]") {
  TempDir dir;
  write_text(dir / "a.csv", "x\n1\n");
  write_text(dir / "b.csv", "y\n2\n");
  ReportOptions options;
  options.inputs = {(dir / "a.csv").string(), (dir / "b.csv").string()};
  REQUIRE(usage_error(options) ==
          "cannot tell the model from the data: both " + (dir / "a.csv").string() + " and " +
              (dir / "b.csv").string() +
              " look like data (not JSON); name them with --model and --data");
  options.inputs = {(dir / "a.csv").string()};
  REQUIRE(usage_error(options) ==
          "missing the model document: expected --input trained.pkl --input clean.csv (or --model "
          "and --data)");
  options.inputs = {};
  options.model = "m.json";
  REQUIRE(usage_error(options) ==
          "missing the data CSV: expected --input trained.pkl --input clean.csv (or --model and "
          "--data)");
}

TEST_CASE("an input that does not exist is an input error", "[report]") {
  ReportOptions options;
  options.inputs = {"/nonexistent/trained.pkl", "/nonexistent/clean.csv"};
  REQUIRE_THROWS_AS(resolve_inputs(options), common::InputMissingError);
}

TEST_CASE("charts are named after the report beside it", "[report]") {
  REQUIRE(tasks::chart_path("out/report.md", "residuals") == "out/report_residuals.svg");
  REQUIRE(tasks::chart_path("report.md", "pred_vs_actual") == "report_pred_vs_actual.svg");
}

TEST_CASE("the built-in template is the repository's templates/report.md.mustache", "[report]") {
  REQUIRE(std::string(tasks::built_in_template()) ==
          test_util::read_text(test_util::source("templates/report.md.mustache")));
}

TEST_CASE("an explicit template must exist", "[report]") {
  REQUIRE_THROWS_AS(tasks::find_template("/nonexistent/report.md.mustache"),
                    common::InputMissingError);
  tasks::ReportTemplate t = tasks::find_template("");
  REQUIRE(t.source == "built-in");  // the tests run where no templates/ directory is
}
