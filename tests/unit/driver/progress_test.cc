#include "driver/progress.h"

#include <catch2/catch.hpp>

#include "common/filenames.h"
#include "tests/support/test_util.h"
#include "tests/unit/driver/fake_runner.h"

namespace {

struct Captured {
  std::string text;
  driver::LinePrinter printer{false, false, [this](std::string_view s) { text += s; }};
};

driver::TaskOutcome outcome(driver::TaskStatus status, std::string reason, int attempts,
                            double duration_s) {
  driver::TaskOutcome o;
  o.status = status;
  o.reason = std::move(reason);
  o.attempts.resize(static_cast<std::size_t>(attempts));
  for (int i = 0; i < attempts; ++i) o.attempts[static_cast<std::size_t>(i)].number = i + 1;
  o.duration_s = duration_s;
  return o;
}

}  // namespace

TEST_CASE("durations read naturally", "[progress]") {
  REQUIRE(driver::format_seconds(0.0412) == "0.04s");
  REQUIRE(driver::format_seconds(12.34) == "12.3s");
  REQUIRE(driver::format_seconds(125) == "2m05s");
}

TEST_CASE("the summary table aligns its columns", "[progress]") {
  driver::Dag dag =
      driver_test::make_dag({{"ingest", {}}, {"train", {"ingest"}}, {"save", {"train"}}});
  std::vector<driver::TaskOutcome> outcomes{
      outcome(driver::TaskStatus::kUpToDate, "up to date", 0, 0),
      outcome(driver::TaskStatus::kFailed, "exit 75", 3, 0.61),
      outcome(driver::TaskStatus::kSkipped, "upstream failed: train", 0, 0)};
  outcomes[1].attempts[0].result.duration_s = 0.1;
  outcomes[1].attempts[1].result.duration_s = 0.1;
  outcomes[1].attempts[2].result.duration_s = 0.11;
  Captured c;
  REQUIRE(driver::format_summary_table(dag, outcomes, c.printer) ==
          std::vector<std::string>{
              "task    status      attempts  time                                  reason",
              "ingest  up to date  -         -                                     up to date",
              "train   failed      3         0.61s (attempts 0.10s, 0.10s, 0.11s)  exit 75",
              "save    skipped     -         -                                     upstream "
              "failed: train"});
}

TEST_CASE("a retried task's time is its wall time, pauses included, then each attempt's",
          "[progress]") {
  driver::TaskOutcome o = outcome(driver::TaskStatus::kOk, "forced", 2, 5.72);
  o.attempts[0].result.duration_s = 0.02;
  o.attempts[1].result.duration_s = 0.03;
  REQUIRE(driver::format_task_time(o) == "5.72s (attempts 0.02s, 0.03s)");
  REQUIRE(driver::format_task_time(outcome(driver::TaskStatus::kOk, "forced", 1, 0.04)) == "0.04s");
}

TEST_CASE("progress lines number each task once", "[progress]") {
  driver::Dag dag = driver_test::make_dag({{"ingest", {}}, {"train", {"ingest"}}});
  Captured c;
  driver::Progress progress(c.printer, dag, 2, "/logs");
  progress.task_finished(0, outcome(driver::TaskStatus::kUpToDate, "up to date", 0, 0));
  progress.attempt_started(1, 1);
  progress.task_finished(1, outcome(driver::TaskStatus::kOk, "forced", 1, 0.04));
  REQUIRE(c.text == "[1/2] ingest up to date\n[2/2] train started\n[2/2] train ok 0.04s\n");
}

TEST_CASE("a failure shows the last lines of the attempt's output", "[progress]") {
  test_util::TempDir dir;
  driver::Dag dag = driver_test::make_dag({{"train", {}}});
  dag.tasks[0].retry.n_tries = 3;
  test_util::write_text(common::attempt_output_path(dir.path(), "train", 3), "one\ntwo\n");
  Captured c;
  driver::Progress progress(c.printer, dag, 1, dir.path());
  driver::TaskOutcome o = outcome(driver::TaskStatus::kFailed, "exit 75", 3, 0.5);
  o.attempts.back().failure = "exit 75";
  progress.task_finished(0, o);
  REQUIRE(c.text ==
          "[1/1] train failed 0.50s\nFAILED: train (exit 75, attempt 3/3)\none\ntwo\n(output: " +
              (dir / "train.attempt-3.out").string() + ")\n");
}

TEST_CASE("last_lines keeps only the tail", "[progress]") {
  test_util::TempDir dir;
  std::string text;
  for (int i = 1; i <= 30; ++i) text += "line " + std::to_string(i) + "\n";
  test_util::write_text(dir / "out", text);
  std::vector<std::string> lines = driver::last_lines(dir / "out", 3);
  REQUIRE(lines == std::vector<std::string>{"line 28", "line 29", "line 30"});
}

TEST_CASE("colors appear only when enabled", "[progress]") {
  driver::LinePrinter plain(false, false, [](std::string_view) {});
  driver::LinePrinter colored(true, true, [](std::string_view) {});
  REQUIRE(plain.paint("ok", driver::Color::kGreen) == "ok");
  REQUIRE(colored.paint("ok", driver::Color::kGreen) == "\x1b[32mok\x1b[0m");
}

TEST_CASE("on a terminal the status line is overprinted by the next line", "[progress]") {
  std::string out;
  driver::LinePrinter printer(true, false, [&](std::string_view s) { out += s; });
  printer.set_status("[0/1 done] running: a 0.50s");
  printer.print_line("[1/1] a ok 0.90s");
  REQUIRE(out == "\r\x1b[K[0/1 done] running: a 0.50s\r\x1b[K[1/1] a ok 0.90s\n");
}

TEST_CASE("off a terminal there is no status line", "[progress]") {
  std::string out;
  driver::LinePrinter printer(false, false, [&](std::string_view s) { out += s; });
  printer.set_status("[0/1 done] running: a 0.50s");
  printer.print_line("[1/1] a ok 0.90s");
  REQUIRE(out == "[1/1] a ok 0.90s\n");
}

TEST_CASE("a count agrees with its noun", "[progress]") {
  REQUIRE(driver::count_of(1, "task") == "1 task");
  REQUIRE(driver::count_of(0, "task") == "0 tasks");
  REQUIRE(driver::count_of(5, "task") == "5 tasks");
}
