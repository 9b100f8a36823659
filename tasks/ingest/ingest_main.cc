#include <boost/json.hpp>

#include "common/error.h"
#include "common/number.h"
#include "common/task_run.h"
#include "tasks/ingest/ingest.h"

namespace po = boost::program_options;
namespace json = boost::json;

int main(int argc, char** argv) {
  common::ProgramInfo info{
      "ingest",
      "bring source data into the workspace (path, file:// or http(s):// URI; .gz is decompressed)",
      "ingest --input SOURCE --output raw.csv [--sha256 HEX]",
      "ingest --input ../data/raw.csv --output raw.csv",
      "Exit codes: 0 ok, 64 usage, 65 bad data (empty source, sha256 mismatch, malformed CSV),\n"
      "66 source missing, 73 cannot create output, 74 I/O error, 75 network error after retries."};
  return common::run_task(
      info, argc, argv,
      [](po::options_description& options) {
        options.add_options()("sha256", po::value<std::string>(),
                              "expected sha256 of the source bytes (as fetched)")(
            "delimiter", po::value<char>()->default_value(','),
            "field delimiter, for counting rows")(
            "connect-timeout", po::value<int>()->default_value(10), "seconds to connect (http)")(
            "stall-timeout", po::value<int>()->default_value(10),
            "seconds without data before a download is abandoned and retried (http)");
      },
      [](common::TaskContext& context) {
        const common::CommonOptions& common_options = context.options();
        if (common_options.inputs.size() != 1) {
          throw common::UsageError("expected exactly one --input SOURCE");
        }
        if (common_options.output.empty()) throw common::UsageError("missing --output PATH");
        tasks::IngestOptions options;
        options.source = common_options.inputs[0];
        options.output = common_options.output;
        const auto& values = context.cli().values();
        if (values.count("sha256")) options.expected_sha256 = values["sha256"].as<std::string>();
        options.delimiter = values["delimiter"].as<char>();
        options.fetch.connect_timeout = std::chrono::seconds(values["connect-timeout"].as<int>());
        options.fetch.stall_timeout = std::chrono::seconds(values["stall-timeout"].as<int>());

        tasks::IngestResult result = tasks::ingest(options, context);

        common::TaskReport report;
        tasks::Source source = tasks::parse_source(options.source);
        if (source.kind == tasks::Source::Kind::kFile) report.inputs.push_back(source.path);
        report.outputs.push_back(options.output.string());
        report.params = json::object{
            {"source", options.source},
            {"sha256", options.expected_sha256.empty() ? json::value(nullptr)
                                                       : json::value(options.expected_sha256)}};
        report.metrics = json::object{{"source_uri", options.source},
                                      {"rows", result.rows},
                                      {"bytes", result.bytes_written},
                                      {"source_bytes", result.source_bytes},
                                      {"source_sha256", result.source_sha256},
                                      {"decompressed", result.decompressed},
                                      {"attempts", result.attempts}};
        report.metric_columns = {"rows", "bytes", "source_bytes", "attempts", "duration_s"};
        report.metric_values = {std::to_string(result.rows), std::to_string(result.bytes_written),
                                std::to_string(result.source_bytes),
                                std::to_string(result.attempts),
                                common::format_number(context.log().elapsed_s())};
        context.log().info("source", "read " + options.source, report.metrics);
        report.summary = "ingested " + std::to_string(result.rows) + " rows (" +
                         std::to_string(result.bytes_written) + " bytes) from " + options.source +
                         " into " + options.output.string();
        return report;
      });
}
