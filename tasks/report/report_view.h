#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tasks/model/model.h"
#include "tasks/report/data_profile.h"

namespace tasks {

// Everything the report shows, gathered before rendering.
struct ReportFacts {
  const Model* model = nullptr;          // the model document
  const DataProfile* profile = nullptr;  // the data pass
  std::string model_file;                // as given on the command line
  std::string model_sha256;
  std::string data_file;
  std::string data_sha256;
  std::string template_source;  // "`path`" or "built-in"
  std::string template_sha256;
  std::string notes_file;            // empty: no notes
  std::optional<std::string> notes;  // the notes, verbatim
  std::string notes_sha256;
  std::string scatter_chart;               // link target of the predicted-vs-actual SVG
  std::string residuals_chart;             // link target of the residual histogram SVG
  std::size_t max_listed_categories = 20;  // data section: categories listed per column
};

// A figure for people: integers as integers, "%.2f" from 100 up, "%.4f" below, "%.3e"
// for very large or small magnitudes, "n/a" for NaN.
std::string format_figure(double value);

// Renders `template_text` (Mustache; the variables are listed in docs/model.md, "Report
// template") with the facts. {{name}} escapes "|" and line breaks so values stay inside
// Markdown table cells; {{{name}}} inserts a value as it is (the notes use it). Throws
// DataError "<template_name>: invalid template: <problem>".
std::string render_report(const std::string& template_text, const std::string& template_name,
                          const ReportFacts& facts);

// The template with each standalone section or comment tag (alone on its line but for
// blanks) joined to the next line when that line is not blank:
// "a\n{{#s}}\nX\n{{/s}}\nb" -> "a\n{{#s}}X\n{{/s}}b". kainjow 4.1 removes a standalone
// tag's line only when the section renders, so without this a skipped section leaves an
// empty line behind (and a table broken in two). A tag followed by a blank line is left
// alone: kainjow would drop that blank line instead.
std::string join_standalone_tags(std::string_view text);

// The "## " headings of a rendered Markdown document, in order.
std::vector<std::string> section_headings(const std::string& markdown);

}  // namespace tasks
