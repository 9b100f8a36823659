#include "tasks/report/report_view.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/support/test_util.h"
#include "tests/unit/tasks/report/report_fixture.h"

using tasks::join_standalone_tags;
using tasks::render_report;
using tasks::ReportFacts;

namespace {

// Renders `tmpl` over the fixture's model and data.
std::string render(const std::string& tmpl, std::optional<std::string> notes = std::nullopt) {
  test_util::TempDir dir;
  test_util::write_text(dir / "clean.csv", report_fixture::data());
  tasks::Model model = report_fixture::model();
  tasks::DataProfile profile = tasks::profile_data(model, dir / "clean.csv");
  ReportFacts facts;
  facts.model = &model;
  facts.profile = &profile;
  facts.model_file = "trained.pkl";
  facts.data_file = "clean.csv";
  facts.data_sha256 = "0000";
  facts.notes = std::move(notes);
  facts.scatter_chart = "report_pred_vs_actual.svg";
  return render_report(tmpl, "t.mustache", facts);
}

}  // namespace

TEST_CASE("figures are formatted for people", "[report_view]") {
  struct Case {
    double value;
    const char* text;
  };
  for (const Case& c : std::vector<Case>{{67710.9475221161, "67710.95"},
                                         {0.6559165515900427, "0.6559"},
                                         {-119.57, "-119.57"},
                                         {52, "52"},
                                         {-3, "-3"},
                                         {0, "0"},
                                         {0.0004, "4.000e-04"},
                                         {2.5e13, "25000000000000"},
                                         {2.5e15 + 0.5, "2.500e+15"},
                                         {std::nan(""), "n/a"}}) {
    INFO(c.value);
    REQUIRE(tasks::format_figure(c.value) == c.text);
  }
}

TEST_CASE("standalone section tags are joined to the next line unless it is blank",
          "[report_view]") {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : std::vector<Case>{{"a\n{{#s}}\nX\n{{/s}}\nb\n", "a\n{{#s}}X\n{{/s}}b\n"},
                                         {"a\n  {{^s}}  \nX\n", "a\n{{^s}}X\n"},
                                         {"a\n{{#s}}\n\nX\n", "a\n{{#s}}\n\nX\n"},
                                         {"a\n{{/s}}\n", "a\n{{/s}}\n"},
                                         {"{{! a\ncomment }}\n# T\n", "{{! a\ncomment }}# T\n"},
                                         {"x {{#s}}\ny\n", "x {{#s}}\ny\n"},
                                         {"{{#s}} y\nz\n", "{{#s}} y\nz\n"},
                                         {"{{name}}\nz\n", "{{name}}\nz\n"},
                                         {"a\r\n{{#s}}\r\nX\r\n", "a\r\n{{#s}}X\r\n"}}) {
    INFO(c.in);
    REQUIRE(join_standalone_tags(c.in) == c.out);
  }
}

TEST_CASE("a skipped section leaves no line behind", "[report_view]") {
  const char* tmpl =
      "a\n{{#has_notes}}\nnotes\n{{/has_notes}}\n{{^has_notes}}\nnone\n{{/has_notes}}\nb\n";
  REQUIRE(render(tmpl) == "a\nnone\nb\n");
  REQUIRE(render(tmpl, "n") == "a\nnotes\nb\n");
}

TEST_CASE("a list section renders one line per item", "[report_view]") {
  const char* tmpl =
      "| c |\n|---|\n{{#coefficients}}\n| {{name}} | {{value}} |\n{{/coefficients}}\nend";
  REQUIRE(render(tmpl) == "| c |\n|---|\n| g=b | 10 |\n| x | 2 |\n| g=a | 0 |\nend");
}

TEST_CASE("values are kept inside table cells and notes are inserted verbatim", "[report_view]") {
  std::string notes = "Line | one\n{{target}} & <b>bold</b>\n\n\n  indented\n";
  REQUIRE(render("[{{notes}}]", notes) == "[Line \\| one {{target}} & <b>bold</b>     indented ]");
  REQUIRE(render("{{{notes}}}", notes) == notes);
}

TEST_CASE("a broken template is a data error naming it", "[report_view]") {
  REQUIRE_THROWS_AS(render("{{#columns}}"), common::DataError);
  REQUIRE_THROWS_WITH(render("{{#columns}}"), Catch::StartsWith("t.mustache: invalid template: "));
}

TEST_CASE("the figures of the view come from the data and the model", "[report_view]") {
  REQUIRE(
      render("{{rows}} {{rows_test}}+{{rows_train}} {{target}} {{intercept}} {{design_width}}") ==
      "8 " + render("{{rows_test}}") + "+" + render("{{rows_train}}") + " y 1 3");
  REQUIRE(render("{{#data_matches_training}}same{{/data_matches_training}}") == "same");
  REQUIRE(render("{{#errors_by_category}}{{#categories}}{{value}}{{^in_model}}*{{/in_model}} "
                 "{{/categories}}{{/errors_by_category}}")
              .find("c*") != std::string::npos);
}

TEST_CASE("the headings of a rendered report are its sections", "[report_view]") {
  REQUIRE(tasks::section_headings("# T\n## Summary\ntext\n### Sub\n## Data\n") ==
          std::vector<std::string>{"Summary", "Data"});
}
