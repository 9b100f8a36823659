#include "tasks/report/report.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <fstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/failpoint.h"
#include "common/input_file.h"
#include "common/read_file.h"
#include "common/sha256.h"
#include "tasks/report/data_profile.h"
#include "tasks/report/report_view.h"
#include "tasks/report/svg_chart.h"

namespace fs = std::filesystem;

namespace tasks {

namespace {

// Whether the file's first non-blank byte (after a UTF-8 BOM) is '{': a JSON document.
bool looks_like_json(const std::string& path) {
  common::UniqueFd fd = common::open_input(path);  // a pipe is read once
  char head[4096];
  ssize_t n;
  do {
    n = ::read(fd.get(), head, sizeof head);
  } while (n < 0 && errno == EINTR);
  if (n < 0) common::throw_system_error("cannot read", path, errno, common::FileRole::kInput);
  std::string_view text(head, static_cast<std::size_t>(n));
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && text[i] == '{';
}

// A relative link to a file beside the report (spaces and parentheses escaped).
std::string link_to(const fs::path& file) {
  std::string out;
  for (char c : file.filename().string()) {
    if (c == ' ') {
      out += "%20";
    } else if (c == '(') {
      out += "%28";
    } else if (c == ')') {
      out += "%29";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

ReportInputs resolve_inputs(const ReportOptions& options) {
  ReportInputs inputs{options.model, options.data};
  std::vector<std::string> rest;
  for (const std::string& input : options.inputs) {
    if (input != inputs.model && input != inputs.data) rest.push_back(input);
  }
  for (const std::string& input : rest) {
    std::string& slot = looks_like_json(input) ? inputs.model : inputs.data;
    if (!slot.empty()) {
      throw common::UsageError(
          "cannot tell the model from the data: both " + slot + " and " + input + " look like " +
          (&slot == &inputs.model ? "model documents (JSON)" : "data (not JSON)") +
          "; name them with --model and --data");
    }
    slot = input;
  }
  if (inputs.model.empty() || inputs.data.empty()) {
    throw common::UsageError(
        std::string("missing the ") + (inputs.model.empty() ? "model document" : "data CSV") +
        ": expected --input trained.pkl --input clean.csv (or --model and --data)");
  }
  return inputs;
}

ReportTemplate find_template(const std::string& flag) {
  ReportTemplate t;
  if (!flag.empty()) {
    t.path = flag;
  } else {
    std::error_code ec;
    if (fs::is_regular_file("templates/report.md.mustache", ec))
      t.path = "templates/report.md.mustache";
  }
  if (t.path.empty()) {
    t.text = std::string(built_in_template());
    t.source = "built-in";
  } else {
    t.text = common::read_file(t.path);
    t.source = "`" + t.path + "`";
  }
  return t;
}

fs::path chart_path(const fs::path& output, const std::string& chart) {
  fs::path stem = output.stem();
  return output.parent_path() / (stem.string() + "_" + chart + ".svg");
}

ReportResult make_report(const ReportOptions& options, const StepRunner& run_step) {
  if (options.output.empty())
    throw common::UsageError("missing --output (the report to write; see report --help)");
  // An --output that is --notes (or any other input) is refused by common::Cli, exit 64.
  ReportResult result;
  Model model;
  DataProfile profile;
  Histogram residuals;
  ReportTemplate tmpl;
  std::optional<std::string> notes;
  ReportFacts facts;
  run_step("report.read", [&] {
    common::failpoint("report.read");
    result.inputs = resolve_inputs(options);
    const ReportInputs& in = result.inputs;
    model = load_model(in.model);
    facts.model_sha256 = common::sha256_file(in.model);
    profile = profile_data(model, in.data);
    residuals = Histogram::covering(profile.residual_min, profile.residual_max, 40);
    add_test_residuals(model, in.data, residuals);
    facts.data_sha256 = common::sha256_file(in.data);
    tmpl = find_template(options.template_path);
    if (!options.notes_path.empty()) notes = common::read_file(options.notes_path);
  });
  const ReportInputs& in = result.inputs;
  result.read = {in.model, in.data};
  if (!tmpl.path.empty()) result.read.push_back(tmpl.path);
  if (notes) result.read.push_back(options.notes_path);

  fs::path scatter = chart_path(options.output, "pred_vs_actual");
  fs::path histogram = chart_path(options.output, "residuals");
  facts.model = &model;
  facts.profile = &profile;
  facts.model_file = in.model;
  facts.data_file = in.data;
  facts.template_source = tmpl.source;
  facts.template_sha256 = common::sha256_hex(tmpl.text);
  facts.notes_file = options.notes_path;
  facts.notes = notes;
  if (notes) facts.notes_sha256 = common::sha256_hex(*notes);
  facts.scatter_chart = link_to(scatter);
  facts.residuals_chart = link_to(histogram);
  std::string markdown =
      render_report(tmpl.text, tmpl.path.empty() ? "built-in template" : tmpl.path, facts);

  std::string scatter_svg_text = scatter_svg(
      profile.sample,
      {"Predicted vs actual on the test rows (" +
           (profile.sample.size() < static_cast<std::size_t>(profile.rows_test)
                ? std::to_string(profile.sample.size()) + " of " + std::to_string(profile.rows_test)
                : std::to_string(profile.rows_test)) +
           ")",
       "actual " + model.target, "predicted " + model.target});
  std::string histogram_svg_text = histogram_svg(
      residuals, {"Residuals on the test rows (" + std::to_string(profile.rows_test) + ")",
                  "residual: actual - predicted " + model.target, "test rows"});

  // run_task removes the temp files a killed run left beside --output; the charts are
  // written beside it under their own names (found by bench/reliability/kill_anywhere.py).
  common::remove_stale_temp_files(scatter);
  common::remove_stale_temp_files(histogram);
  run_step("report.write", [&] {
    common::failpoint("report.write");
    common::write_file_atomically(scatter, scatter_svg_text);
    common::write_file_atomically(histogram, histogram_svg_text);
    common::write_file_atomically(options.output, markdown);
  });
  result.written = {scatter.string(), histogram.string(), options.output.string()};
  result.sections = section_headings(markdown);
  result.template_source = tmpl.path.empty() ? "built-in" : tmpl.path;
  result.data_matches_training = facts.data_sha256 == model.training_data.sha256;
  result.rows = profile.rows;
  result.rows_test = profile.rows_test;
  result.rmse_test = profile.test.rmse();
  result.baseline_rmse_test = profile.baseline.rmse();
  return result;
}

}  // namespace tasks
