// Concurrency the way users meet it: two projects reading one data file at the same time,
// and ten drivers started at once on one project (SPEC section 6: one runs, the others
// wait with --lock-wait or exit 75 naming the holder). Concurrent appends to one log are
// covered by tests/unit/common/log_test.cc; here the driver log written by ten drivers at
// once must still parse line by line.
#include <catch2/catch.hpp>
#include <set>

#include "tests/e2e/reliability/reliability_util.h"

namespace fs = std::filesystem;
using reliability::Project;
using reliability::read_outputs;
using test_util::read_text;

namespace {

// Points the project's ingest at `data` (an absolute path) instead of ../data/raw.csv.
void use_shared_data(const Project& project, const fs::path& data) {
  std::string dag = read_text(project / "dag.json");
  for (std::size_t at; (at = dag.find("../data/raw.csv")) != std::string::npos;) {
    dag.replace(at, 15, data.string());
  }
  test_util::write_text(project / "dag.json", dag);
}

// The holder's pid in "driver: workdir W is locked by pid P (run R, started T); use
// --lock-wait SECONDS to wait for it", or -1 when the message is not exactly that shape.
// (std::regex trips g++ 12's -Wmaybe-uninitialized under ASan.)
int holder_pid(const std::string& err, const fs::path& workdir) {
  const std::string head = "driver: workdir " + workdir.string() + " is locked by pid ";
  const std::string tail = "); use --lock-wait SECONDS to wait for it\n";
  if (err.rfind(head, 0) != 0 || err.find('\n') != err.size() - 1 ||
      err.size() < head.size() + tail.size() ||
      err.compare(err.size() - tail.size(), tail.size(), tail) != 0) {
    return -1;
  }
  std::size_t digits = err.find_first_not_of("0123456789", head.size());
  if (digits == head.size() || err.compare(digits, 6, " (run ") != 0 ||
      err.find(", started ", digits) == std::string::npos) {
    return -1;
  }
  return std::stoi(err.substr(head.size(), digits - head.size()));
}

}  // namespace

TEST_CASE("two projects sharing one data file run in parallel and agree byte for byte",
          "[reliability][concurrency]") {
  test_util::TempDir shared;
  fs::copy_file(test_util::source("data/raw.csv"), shared / "raw.csv");
  Project a;
  Project b;
  use_shared_data(a, shared / "raw.csv");
  use_shared_data(b, shared / "raw.csv");
  int pa = reliability::spawn(a.driver_argv(), a.path(), a / "driver");
  int pb = reliability::spawn(b.driver_argv(), b.path(), b / "driver");
  int ea = reliability::wait_exit(pa);
  int eb = reliability::wait_exit(pb);
  INFO(read_text(a / "driver.err") << read_text(b / "driver.err"));
  REQUIRE(ea == 0);
  REQUIRE(eb == 0);
  reliability::Outputs outputs = read_outputs(a.work());
  CHECK(outputs.size() == 7);
  CHECK(outputs == read_outputs(b.work()));
  CHECK(read_text(shared / "raw.csv") == read_text(test_util::source("data/raw.csv")));
}

TEST_CASE("ten drivers at once on one project: one runs, the others wait or exit 75 naming it",
          "[reliability][concurrency]") {
  Project reference;
  REQUIRE(reference.run().exit_code == 0);

  Project project;
  std::vector<int> pids;
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> extra;
    if (i % 2 == 0) extra = {"--lock-wait", "60"};
    pids.push_back(reliability::spawn(project.driver_argv(extra), project.path(),
                                      project / ("driver-" + std::to_string(i))));
  }
  std::vector<int> exits;
  for (int pid : pids) exits.push_back(reliability::wait_exit(pid));

  std::set<int> driver_pids(pids.begin(), pids.end());
  int refused = 0;
  for (int i = 0; i < 10; ++i) {
    std::string err = read_text(project / ("driver-" + std::to_string(i) + ".err"));
    INFO("driver " << i << " (pid " << pids[static_cast<std::size_t>(i)] << "): " << err);
    if (i % 2 == 0) {
      CHECK(exits[static_cast<std::size_t>(i)] == 0);
      continue;
    }
    REQUIRE((exits[static_cast<std::size_t>(i)] == 0 || exits[static_cast<std::size_t>(i)] == 75));
    if (exits[static_cast<std::size_t>(i)] == 75) {
      ++refused;
      CHECK(driver_pids.count(holder_pid(err, project.work())) == 1);
    }
  }
  WARN(refused << " of the 5 drivers without --lock-wait found the project locked");

  // Each task ran exactly once, and the result is what one run produces.
  for (const char* task : {"ingest", "clean", "train", "save", "report"}) {
    INFO(task);
    CHECK(reliability::events(project / "logs" / (std::string(task) + ".log"), "start").size() ==
          1);
  }
  CHECK(read_outputs(project.work()) == read_outputs(reference.work()));
  CHECK(reliability::log_records(project / "logs" / "driver.log").size() > 10);
  CHECK(reliability::temp_files(project.work()).empty());
}
