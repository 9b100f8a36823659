#include "driver/driver_options.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "common/version.h"
#include "driver/driver_error.h"
#include "driver/spellcheck.h"

namespace po = boost::program_options;

namespace driver {

namespace {

po::options_description option_descriptions() {
  po::options_description options("Options");
  auto add = options.add_options();
  add("dag", po::value<std::string>()->value_name("FILE"), "the DAG file (default: dag.json)");
  add("jobs,j", po::value<int>()->value_name("N"),
      "run up to N tasks at once (default: the number of cores)");
  add("keep-going,k", "after a failure, run every branch that does not need the failed task");
  add("fail-fast", po::value<std::string>()->implicit_value("finish")->value_name("MODE"),
      "after a failure start nothing new; =kill also stops running tasks (default: finish)");
  add("force", "rerun the named TASKs (or every selected task) even when up to date");
  add("dry-run,n", "print what would run and why, run nothing");
  add("from", po::value<std::string>()->value_name("TASK"),
      "select TASK and everything downstream of it");
  add("until", po::value<std::string>()->value_name("TASK"), "select TASK and everything it needs");
  add("lock-wait", po::value<double>()->value_name("SECONDS"),
      "wait that long for another driver's workdir lock (default: 0)");
  add("run-id", po::value<std::string>()->value_name("ID"),
      "run id (default: $PIPELINE_RUN_ID or a new one)");
  add("log-dir", po::value<std::string>()->value_name("DIR"),
      "logs directory (default: $PIPELINE_LOG_DIR or logs/ beside the dag)");
  add("metrics-dir", po::value<std::string>()->value_name("DIR"),
      "metrics directory (default: $PIPELINE_METRICS_DIR or metrics/ beside the dag)");
  add("runs-dir", po::value<std::string>()->value_name("DIR"),
      "run manifests (default: $PIPELINE_RUNS_DIR or runs/ beside the dag)");
  add("format", po::value<std::string>()->value_name("FORMAT"),
      "driver graph: dot (default) or mermaid");
  add("help,h", "print this help and exit");
  add("version", "print version, git commit, compiler and Boost version, and exit");
  return options;
}

// Which options each subcommand takes (besides --help and --version).
const std::map<Subcommand, std::set<std::string>>& allowed_options() {
  static const std::map<Subcommand, std::set<std::string>> allowed{
      {Subcommand::kRun,
       {"dag", "jobs", "keep-going", "fail-fast", "force", "dry-run", "from", "until", "lock-wait",
        "run-id", "log-dir", "metrics-dir", "runs-dir"}},
      {Subcommand::kStatus, {"dag", "force", "from", "until"}},
      {Subcommand::kValidate, {"dag"}},
      {Subcommand::kGraph, {"dag", "format"}},
      {Subcommand::kVerify, {"dag", "runs-dir"}},
      {Subcommand::kApproveSchema, {"dag", "log-dir", "metrics-dir", "runs-dir"}},
  };
  return allowed;
}

const std::map<std::string, Subcommand>& commands() {
  static const std::map<std::string, Subcommand> kCommands{
      {"run", Subcommand::kRun},       {"validate", Subcommand::kValidate},
      {"status", Subcommand::kStatus}, {"graph", Subcommand::kGraph},
      {"verify", Subcommand::kVerify}, {"approve-schema", Subcommand::kApproveSchema}};
  return kCommands;
}

const char* name_of(Subcommand command) {
  switch (command) {
    case Subcommand::kRun:
      return "run";
    case Subcommand::kValidate:
      return "validate";
    case Subcommand::kStatus:
      return "status";
    case Subcommand::kGraph:
      return "graph";
    case Subcommand::kVerify:
      return "verify";
    case Subcommand::kApproveSchema:
      return "approve-schema";
  }
  return "run";
}

}  // namespace

std::vector<std::string> subcommand_names() {
  std::vector<std::string> names;
  for (const auto& [name, command] : commands()) names.push_back(name);
  return names;
}

std::string driver_help_text() {
  std::ostringstream out;
  out << "driver - run the pipeline's DAG of tasks: in dependency order, in parallel, with\n"
         "retries, timeouts, fail-fast and up-to-date checks\n\n"
         "Usage:\n"
         "  driver [run] [TASK...] [options]   run the selected tasks that are not up to date\n"
         "  driver status [TASK...]            say which tasks are up to date, and why not\n"
         "  driver validate                    check dag.json and exit\n"
         "  driver graph [--format dot|mermaid] print the DAG\n"
         "  driver verify RUN_ID               rehash a run's inputs and outputs, report "
         "changes\n"
         "  driver approve-schema [TASK]       accept the data's new shape after schema drift\n\n"
      << option_descriptions()
      << "\nExamples:\n"
         "  driver                             # run everything out of date in ./dag.json\n"
         "  driver run train --force           # rerun train (and first what it needs, if stale)\n"
         "  driver run --from clean -j 2       # clean and everything after it\n"
         "  driver graph | dot -Tpng -o DAG.png\n\n"
         "Exit codes: 0 all tasks ok or up to date, 1 a task failed (or verify found a change),\n"
         "2 usage or dag.json error, 75 workdir locked by another driver, 130 interrupted.\n";
  return out.str();
}

std::optional<DriverOptions> parse_driver_options(int argc, const char* const* argv) {
  po::options_description visible = option_descriptions();
  po::options_description all;
  all.add(visible).add_options()("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("args", -1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
              values);
    po::notify(values);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> names;
    for (const auto& option : visible.options()) names.push_back("--" + option->long_name());
    throw ConfigError(std::string(e.what()) + did_you_mean(e.get_option_name(), names, '\'') +
                      " (see driver --help)");
  } catch (const po::error& e) {
    throw ConfigError(std::string(e.what()) + " (see driver --help)");
  }
  if (values.count("help")) {
    std::cout << driver_help_text();
    return std::nullopt;
  }
  if (values.count("version")) {
    std::cout << common::version_text("driver");
    return std::nullopt;
  }

  DriverOptions options;
  options.argv.assign(argv, argv + argc);
  std::vector<std::string> args;
  if (values.count("args")) args = values["args"].as<std::vector<std::string>>();
  if (!args.empty()) {
    auto it = commands().find(args.front());
    if (it != commands().end()) {
      options.command = it->second;
      args.erase(args.begin());
    }
  }
  std::string command = name_of(options.command);
  for (const auto& option : values) {
    if (option.first == "args") continue;
    if (allowed_options().at(options.command).count(option.first) == 0) {
      throw ConfigError("option --" + option.first + " does not apply to 'driver " + command +
                        "' (see driver --help)");
    }
  }
  switch (options.command) {
    case Subcommand::kRun:
    case Subcommand::kStatus:
    case Subcommand::kApproveSchema:
      options.tasks = args;
      break;
    case Subcommand::kVerify:
      if (args.size() != 1) throw ConfigError("usage: driver verify RUN_ID (see driver --help)");
      options.verify_run_id = args.front();
      break;
    default:
      if (!args.empty()) {
        throw ConfigError("unexpected argument '" + args.front() + "' for 'driver " + command +
                          "' (see driver --help)");
      }
  }

  if (values.count("dag")) options.dag = values["dag"].as<std::string>();
  if (values.count("jobs")) {
    options.jobs = values["jobs"].as<int>();
    if (options.jobs < 1)
      throw ConfigError("-j/--jobs: expected a number >= 1, found " + std::to_string(options.jobs));
  }
  if (values.count("keep-going") && values.count("fail-fast")) {
    throw ConfigError("--keep-going and --fail-fast cannot be combined");
  }
  if (values.count("keep-going")) options.fail_mode = FailMode::kKeepGoing;
  if (values.count("fail-fast")) {
    std::string mode = values["fail-fast"].as<std::string>();
    if (mode == "kill") {
      options.fail_mode = FailMode::kKillRunning;
    } else if (mode != "finish") {
      throw ConfigError("--fail-fast: expected 'finish' or 'kill', found '" + mode + "'");
    }
  }
  options.force = values.count("force") > 0;
  options.dry_run = values.count("dry-run") > 0;
  if (values.count("from")) options.from = values["from"].as<std::string>();
  if (values.count("until")) options.until = values["until"].as<std::string>();
  if (values.count("lock-wait")) {
    options.lock_wait_s = values["lock-wait"].as<double>();
    if (!(options.lock_wait_s >= 0))
      throw ConfigError("--lock-wait: expected a number of seconds >= 0");
  }
  if (values.count("run-id")) options.run_id = values["run-id"].as<std::string>();
  if (values.count("log-dir")) options.log_dir = values["log-dir"].as<std::string>();
  if (values.count("metrics-dir")) options.metrics_dir = values["metrics-dir"].as<std::string>();
  if (values.count("runs-dir")) options.runs_dir = values["runs-dir"].as<std::string>();
  if (values.count("format")) {
    std::string format = values["format"].as<std::string>();
    if (format == "dot") {
      options.graph_format = GraphFormat::kDot;
    } else if (format == "mermaid") {
      options.graph_format = GraphFormat::kMermaid;
    } else {
      throw ConfigError("--format: expected 'dot' or 'mermaid', found '" + format + "'");
    }
  }
  return options;
}

}  // namespace driver
