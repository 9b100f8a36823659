#include "tests/e2e/reliability/fault_fixture.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>

#include "tests/e2e/reliability/reliability_util.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;

namespace reliability {

namespace {

void run_ok(const std::vector<std::string>& argv, const fs::path& cwd) {
  std::vector<std::string> full = argv;
  full[0] = test_util::bin(argv[0]).string();
  test_util::ProcessResult r = test_util::run_process(full, cwd, clean_env());
  INFO(argv[0] << ": " << r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

const SmallChain& small_chain() {
  static std::unique_ptr<test_util::TempDir> dir;
  static SmallChain chain;
  if (dir) return chain;
  dir = std::make_unique<test_util::TempDir>();
  const fs::path& d = dir->path();
  {
    std::ifstream in(test_util::source("data/raw.csv"));
    std::ofstream out(d / "src.csv");
    std::string line;
    for (int i = 0; i <= 400 && std::getline(in, line); ++i) out << line << '\n';
  }
  run_ok({"clean", "--input", "src.csv", "--output", "clean.csv"}, d);
  run_ok({"train", "--input", "clean.csv", "--output", "a.pkl", "--target", "median_house_value"},
         d);
  run_ok({"train", "--input", "clean.csv", "--output", "b.pkl", "--target", "median_house_value",
          "--alpha", "50"},
         d);
  chain = {d / "src.csv", d / "clean.csv", d / "a.pkl", d / "b.pkl"};
  return chain;
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    // Lexically: fs::relative() follows symlinks, and deploy/current would take the name
    // of the model it points at.
    std::string relative = it->path().lexically_relative(dir).string();
    if (it.depth() == 0 && it->is_directory() &&
        (relative == "logs" || relative == "metrics" || relative == "runs")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      files[relative] = "-> " + fs::read_symlink(it->path()).string();
    } else if (it->is_regular_file()) {
      files[relative] = test_util::read_text(it->path());
    }
  }
  return files;
}

}  // namespace reliability
