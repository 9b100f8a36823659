#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tasks/model/model.h"

namespace tasks {

struct ReportOptions {
  std::vector<std::string> inputs;  // --input: the model document and the data, in any order
  std::string model;                // --model: the model document (instead of telling by content)
  std::string data;                 // --data: the data CSV (idem)
  std::filesystem::path output;     // --output: report.md; the charts go beside it
  std::string template_path;  // --template; empty: templates/report.md.mustache, else built-in
  std::string notes_path;     // --notes: included verbatim; empty: none
};

// The model and data files of a report.
struct ReportInputs {
  std::string model;
  std::string data;
};

// Tells the inputs apart: --model and --data name them explicitly; otherwise, of the
// --input files, the one whose first non-blank byte is '{' is the model document and the
// other the data. Throws UsageError when that does not give one of each, InputMissingError
// when a file cannot be read.
ReportInputs resolve_inputs(const ReportOptions& options);

// The template text and where it came from.
struct ReportTemplate {
  std::string text;
  std::string path;    // the file read; empty for the built-in copy
  std::string source;  // for the report: "`path`" or "built-in"
};

// --template when given (it must exist), else templates/report.md.mustache in the current
// directory when it exists, else the copy built into the program.
ReportTemplate find_template(const std::string& flag);

// The template compiled into the program (templates/report.md.mustache at build time).
std::string_view built_in_template();

// The SVG beside `output`: chart_path("out/report.md", "residuals") == "out/report_residuals.svg".
std::filesystem::path chart_path(const std::filesystem::path& output, const std::string& chart);

// What a report run produced.
struct ReportResult {
  ReportInputs inputs;
  std::vector<std::string> read;      // every file read (model, data, template file, notes)
  std::vector<std::string> written;   // the charts, then report.md
  std::vector<std::string> sections;  // the "## " headings rendered
  std::string template_source;
  bool data_matches_training = false;  // data sha256 == the model's training data sha256
  std::int64_t rows = 0;
  std::int64_t rows_test = 0;
  double rmse_test = 0;
  double baseline_rmse_test = 0;
};

// Runs one I/O step, e.g. with retries (TaskContext::with_retry).
using StepRunner = std::function<void(const std::string& step, const std::function<void()>& body)>;

// Reads the inputs ("report.read" step), renders report.md from the template and the SVG
// charts, and writes them atomically ("report.write" step: charts first, report.md last,
// each through a temp file, so a failure leaves the previous outputs untouched). Outputs
// depend only on the inputs' content and the output's file name. Throws UsageError,
// InputMissingError, DataError (a model or data that does not fit, a bad template),
// OutputError or IoError.
ReportResult make_report(const ReportOptions& options, const StepRunner& run_step);

}  // namespace tasks
