#include "tasks/clean/schema_policy.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "common/error.h"

using tasks::ColumnType;
using tasks::Schema;

namespace {

tasks::CleanOptions options() {
  tasks::CleanOptions o;
  o.input = "raw.csv";
  o.output = "clean.csv";
  return o;
}

std::string target_error(const Schema& schema, const std::string& target) {
  try {
    tasks::check_target(schema, target, options());
  } catch (const common::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the approving command reruns clean with the paths and flags as given",
          "[clean][schema]") {
  ::unsetenv("PIPELINE_DRIVER_COMMAND");
  ::unsetenv("PIPELINE_TASK");
  tasks::CleanOptions o = options();
  CHECK(tasks::approve_command(o, "s.json") ==
        "clean --input raw.csv --output clean.csv --write-schema s.json");
  o.delimiter = ';';
  o.target = "y";
  CHECK(tasks::approve_command(o, "s.json") ==
        "clean --input raw.csv --output clean.csv --delimiter ';' --target y --write-schema "
        "s.json");
}

TEST_CASE("under the driver the approving command is the driver's approve-schema",
          "[clean][schema]") {
  ::setenv("PIPELINE_DRIVER_COMMAND", "driver --config p.toml", 1);
  ::setenv("PIPELINE_TASK", "clean", 1);
  CHECK(tasks::approve_command(options(), "s.json") ==
        "driver --config p.toml approve-schema clean");
  ::unsetenv("PIPELINE_DRIVER_COMMAND");
  ::unsetenv("PIPELINE_TASK");
}

TEST_CASE("the target must be a numeric column of the schema found", "[clean][schema]") {
  Schema schema;
  schema.columns = {{"x", ColumnType::kNumeric}, {"c", ColumnType::kCategorical}};
  CHECK(target_error(schema, "").empty());
  CHECK(target_error(schema, "x").empty());
  CHECK(target_error(schema, "c") == "raw.csv: target column \"c\" is not numeric");
  CHECK(target_error(schema, "z") == "raw.csv: target column \"z\" not found; columns: x, c");
}
