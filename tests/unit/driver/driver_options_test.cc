#include "driver/driver_options.h"

#include <catch2/catch.hpp>

#include "driver/driver_error.h"

namespace {

driver::DriverOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "driver");
  std::optional<driver::DriverOptions> options =
      driver::parse_driver_options(static_cast<int>(args.size()), args.data());
  REQUIRE(options);
  return *options;
}

}  // namespace

TEST_CASE("bare task names mean driver run", "[options]") {
  driver::DriverOptions o = parse({"train", "report", "-j", "3", "--keep-going"});
  REQUIRE(o.command == driver::Subcommand::kRun);
  REQUIRE(o.tasks == std::vector<std::string>{"train", "report"});
  REQUIRE(o.jobs == 3);
  REQUIRE(o.fail_mode == driver::FailMode::kKeepGoing);
}

TEST_CASE("fail-fast takes an optional mode", "[options]") {
  REQUIRE(parse({"run", "--fail-fast=kill"}).fail_mode == driver::FailMode::kKillRunning);
  REQUIRE(parse({"run", "--fail-fast"}).fail_mode == driver::FailMode::kFinishRunning);
}

TEST_CASE("subcommands take their own arguments", "[options]") {
  REQUIRE(parse({"verify", "r1"}).verify_run_id == "r1");
  REQUIRE(parse({"graph", "--format", "mermaid"}).graph_format == driver::GraphFormat::kMermaid);
  REQUIRE(parse({"status", "--dag", "x.json"}).dag == "x.json");
}

TEST_CASE("usage errors are config errors with a pointer to --help", "[options]") {
  auto fails = [](std::vector<const char*> args) {
    args.insert(args.begin(), "driver");
    return driver::parse_driver_options(static_cast<int>(args.size()), args.data());
  };
  REQUIRE_THROWS_MATCHES(
      fails({"--jobz", "2"}), driver::ConfigError,
      Catch::Matchers::Message(
          "unrecognised option '--jobz', did you mean '--jobs'? (see driver --help)"));
  REQUIRE_THROWS_MATCHES(
      fails({"graph", "--force"}), driver::ConfigError,
      Catch::Matchers::Message(
          "option --force does not apply to 'driver graph' (see driver --help)"));
  REQUIRE_THROWS_MATCHES(
      fails({"--keep-going", "--fail-fast"}), driver::ConfigError,
      Catch::Matchers::Message("--keep-going and --fail-fast cannot be combined"));
  REQUIRE_THROWS_MATCHES(fails({"-j", "0"}), driver::ConfigError,
                         Catch::Matchers::Message("-j/--jobs: expected a number >= 1, found 0"));
  REQUIRE_THROWS_MATCHES(
      fails({"verify"}), driver::ConfigError,
      Catch::Matchers::Message("usage: driver verify RUN_ID (see driver --help)"));
}
