#include <boost/json.hpp>

#include "common/csv_columns.h"
#include "common/error.h"
#include "common/number.h"
#include "common/task_run.h"
#include "tasks/clean/clean.h"

namespace po = boost::program_options;
namespace json = boost::json;

namespace {

common::TaskReport report_of(const tasks::CleanOptions& options, const tasks::CleanResult& r,
                             double elapsed_s) {
  common::TaskReport report;
  report.inputs.push_back(options.input.string());
  if (!options.schema.empty()) report.inputs.push_back(options.schema.string());
  report.outputs.push_back(options.output.string());
  if (r.schema_written) report.outputs.push_back(options.write_schema.string());

  json::array null_tokens;
  for (const std::string& t : options.nulls.tokens()) null_tokens.push_back(json::string(t));
  report.params = json::object{
      {"delimiter", std::string(1, options.delimiter)},
      {"null_tokens", null_tokens},
      {"on_bad_row", options.on_bad_row == tasks::BadRowPolicy::kSkip ? "skip" : "error"},
      {"schema",
       options.schema.empty() ? json::value(nullptr) : json::value(options.schema.string())},
      {"target", options.target.empty() ? json::value(nullptr) : json::value(options.target)}};

  json::object nulls_by_column;
  json::object non_finite_by_column;
  json::array schema;
  std::uint64_t nulls_total = 0;
  for (const tasks::ColumnSummary& c : r.columns) {
    nulls_by_column[c.name] = c.nulls;
    non_finite_by_column[c.name] = c.non_finite;
    nulls_total += c.nulls;
    json::object column{{"name", c.name}, {"type", tasks::to_string(c.type)}, {"nulls", c.nulls}};
    if (c.type == tasks::ColumnType::kCategorical) {
      column["distinct"] = c.distinct;
      if (c.distinct_capped) column["distinct_capped"] = true;
    }
    schema.push_back(std::move(column));
  }
  report.metrics = json::object{{"rows_in", r.rows_in},
                                {"rows_out", r.rows_out},
                                {"rows_dropped", r.rows_dropped},
                                {"bad_rows_skipped", r.bad_rows},
                                {"nulls_total", nulls_total},
                                {"nulls_by_column", nulls_by_column},
                                {"non_finite_by_column", non_finite_by_column},
                                {"schema", schema},
                                {"bytes_in", r.bytes_in},
                                {"bytes_out", r.bytes_out}};
  report.metric_columns = {"rows_in",     "rows_out", "rows_dropped", "bad_rows_skipped",
                           "nulls_total", "bytes_in", "bytes_out",    "duration_s"};
  report.metric_values = {std::to_string(r.rows_in),      std::to_string(r.rows_out),
                          std::to_string(r.rows_dropped), std::to_string(r.bad_rows),
                          std::to_string(nulls_total),    std::to_string(r.bytes_in),
                          std::to_string(r.bytes_out),    common::format_number(elapsed_s)};
  report.summary =
      "kept " + std::to_string(r.rows_out) + " of " + std::to_string(r.rows_in) + " rows (" +
      std::to_string(r.rows_dropped) + " dropped for nulls or non-finite numbers" +
      (r.bad_rows ? ", " + std::to_string(r.bad_rows) + " malformed rows skipped" : "") +
      ") into " + options.output.string();
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  common::ProgramInfo info{
      "clean", "produce a cleaned, analysis-ready CSV: types inferred, rows with nulls dropped",
      "clean --input raw.csv --output clean.csv [options]",
      "clean --input raw.csv --output clean.csv --schema schema.json",
      "Null tokens default to \"\", NA, NaN, null, nan. A row with a null or a non-finite number\n"
      "(inf, 1e999) is dropped and counted per column. With --schema, any drift (a column added,\n"
      "missing, renamed or retyped) stops with exit 65 and a diff; approve with --write-schema.\n\n"
      "Exit codes: 0 ok, 64 usage, 65 bad data (malformed CSV, schema drift, missing target,\n"
      "no rows left), 66 input missing, 73 cannot create output, 74 I/O error."};
  info.input_options = {"schema"};  // an --output naming it is refused
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()(
            "delimiter", po::value<std::string>()->default_value(","),
            "field delimiter of the input (one character, or \\t); clean.csv always uses commas")(
            "null-token", po::value<std::vector<std::string>>()->composing(),
            "a token meaning \"no value\" (repeatable; replaces the defaults)")(
            "on-bad-row", po::value<std::string>()->default_value("error"),
            "a record with the wrong number of fields: error (exit 65) or skip (drop and count)")(
            "schema", po::value<std::string>(), "approved schema to check (stops on drift)")(
            "write-schema", po::value<std::string>(), "write the found schema here (approval)")(
            "target", po::value<std::string>(), "target column: must exist and be numeric");
      },
      [](common::TaskContext& context) {
        const common::CommonOptions& common_options = context.options();
        if (common_options.inputs.size() != 1)
          throw common::UsageError("expected exactly one --input FILE");
        if (common_options.output.empty()) throw common::UsageError("missing --output PATH");
        const auto& values = context.cli().values();
        tasks::CleanOptions options;
        options.input = common_options.inputs[0];
        options.output = common_options.output;
        options.delimiter = common::parse_delimiter(values["delimiter"].as<std::string>());
        if (values.count("null-token")) {
          options.nulls = common::NullTokens(values["null-token"].as<std::vector<std::string>>());
        }
        std::string policy = values["on-bad-row"].as<std::string>();
        if (policy != "error" && policy != "skip") {
          throw common::UsageError("invalid --on-bad-row '" + policy + "': expected error or skip");
        }
        options.on_bad_row =
            policy == "skip" ? tasks::BadRowPolicy::kSkip : tasks::BadRowPolicy::kError;
        if (values.count("schema")) options.schema = values["schema"].as<std::string>();
        if (values.count("write-schema"))
          options.write_schema = values["write-schema"].as<std::string>();
        if (values.count("target")) options.target = values["target"].as<std::string>();

        tasks::CleanResult result = tasks::clean(options);
        common::TaskReport report = report_of(options, result, context.log().elapsed_s());
        context.log().info("schema",
                           "inferred " + std::to_string(result.columns.size()) + " columns",
                           json::object{{"schema", report.metrics.at("schema")}});
        if (result.bad_rows > 0) {
          context.log().warn("bad_rows", "skipped " + std::to_string(result.bad_rows) +
                                             " rows with the wrong number of fields");
        }
        if (result.schema_written) {
          context.log().info("schema_written",
                             "wrote the schema to " + options.write_schema.string());
        }
        return report;
      });
}
