#pragma once

// Helpers of the train, predict and report end-to-end tests.

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "tests/support/test_util.h"

namespace train_e2e {

// Runs build/<dir>/bin/<program> with `args` in `cwd`.
inline test_util::ProcessResult run(const std::string& program,
                                    const std::vector<std::string>& args,
                                    const std::filesystem::path& cwd,
                                    const test_util::EnvVars& env = {}) {
  std::vector<std::string> argv = {test_util::bin(program).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test_util::run_process(argv, cwd, env);
}

// housing.csv without the 207 rows whose total_bedrooms is empty (what clean keeps; no
// other field of the file is ever empty), written to `target`.
inline void write_clean_housing(const std::filesystem::path& housing,
                                const std::filesystem::path& target) {
  std::string out;
  for (const std::string& line : test_util::read_lines(housing)) {
    if (line.find(",,") == std::string::npos) out += line + "\n";
  }
  test_util::write_text(target, out);
}

// 200 rows: y = 3 x1 - 2 x2 + city effect + noise, with a categorical column.
inline std::string small_table() {
  std::string out = "x1,city,x2,y\n";
  const char* cities[] = {"north", "south", "east"};
  for (int i = 0; i < 200; ++i) {
    double x1 = (i * 37 % 101) / 10.0;
    double x2 = (i * 53 % 97) / 7.0;
    double y = 3 * x1 - 2 * x2 + 5 * (i % 3) + (i * 7 % 11) / 10.0;
    char line[128];
    std::snprintf(line, sizeof line, "%g,%s,%g,%g\n", x1, cities[i % 3], x2, y);
    out += line;
  }
  return out;
}

inline boost::json::object read_json(const std::filesystem::path& path) {
  return common::parse_json(test_util::read_text(path), path.string()).as_object();
}

inline double number(const boost::json::value& v) { return v.to_number<double>(); }

// |a - b| <= rel * |b|
inline bool close(double a, double b, double rel) { return std::abs(a - b) <= rel * std::abs(b); }

}  // namespace train_e2e
