#include "driver/progress.h"

#include <signal.h>
#include <string.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "common/filenames.h"
#include "driver/graph.h"

namespace fs = std::filesystem;

namespace driver {

std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string format_seconds(double seconds) {
  char buffer[32];
  if (seconds < 10) {
    std::snprintf(buffer, sizeof buffer, "%.2fs", seconds);
  } else if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", seconds);
  } else {
    long total = std::lround(seconds);
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", total / 60, total % 60);
  }
  return buffer;
}

std::string format_task_time(const TaskOutcome& outcome) {
  std::string text = format_seconds(outcome.duration_s);
  if (outcome.attempts.size() < 2) return text;
  text += " (attempts ";
  for (std::size_t i = 0; i < outcome.attempts.size(); ++i)
    text += (i ? ", " : "") + format_seconds(outcome.attempts[i].result.duration_s);
  return text + ")";
}

std::vector<std::string> last_lines(const fs::path& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  // Read at most the last 64 KiB: enough for 20 lines of anything readable.
  constexpr std::streamoff kWindow = std::streamoff{64} * 1024;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff start = size > kWindow ? size - kWindow : 0;
  in.seekg(start);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  if (start > 0 && !lines.empty()) lines.erase(lines.begin());  // a partial first line
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(n));
  return lines;
}

namespace {

Color color_of(TaskStatus status) {
  switch (status) {
    case TaskStatus::kOk:
      return Color::kGreen;
    case TaskStatus::kFailed:
    case TaskStatus::kStopped:
    case TaskStatus::kInterrupted:
      return Color::kRed;
    case TaskStatus::kSkipped:
    case TaskStatus::kNotRun:
      return Color::kYellow;
    case TaskStatus::kUpToDate:
      return Color::kDim;
    default:
      return Color::kNone;
  }
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::vector<std::string> format_summary_table(const Dag& dag,
                                              const std::vector<TaskOutcome>& outcomes,
                                              const LinePrinter& printer) {
  struct Row {
    std::string task, status, attempts, time, reason;
    Color color;
  };
  std::vector<Row> rows;
  rows.push_back(Row{"task", "status", "attempts", "time", "reason", Color::kNone});
  for (std::size_t t : topological_order(dag.needs)) {
    const TaskOutcome& o = outcomes[t];
    if (o.status == TaskStatus::kNotSelected) continue;
    bool ran = !o.attempts.empty();
    rows.push_back(Row{dag.tasks[t].name, to_string(o.status),
                       ran ? std::to_string(o.attempts.size()) : "-",
                       ran ? format_task_time(o) : "-", o.reason, color_of(o.status)});
  }
  std::size_t w_task = 0, w_status = 0, w_attempts = 0, w_time = 0;
  for (const Row& r : rows) {
    w_task = std::max(w_task, r.task.size());
    w_status = std::max(w_status, r.status.size());
    w_attempts = std::max(w_attempts, r.attempts.size());
    w_time = std::max(w_time, r.time.size());
  }
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const Row& r : rows) {
    // Pad before painting: escape codes have no width.
    lines.push_back(pad(r.task, w_task) + "  " + printer.paint(pad(r.status, w_status), r.color) +
                    "  " + pad(r.attempts, w_attempts) + "  " + pad(r.time, w_time) + "  " +
                    r.reason);
  }
  return lines;
}

Progress::Progress(LinePrinter& printer, const Dag& dag, std::size_t total, fs::path log_dir)
    : printer_(printer), dag_(dag), total_(total), log_dir_(std::move(log_dir)) {}

std::string Progress::prefix(std::size_t task) {
  auto [it, inserted] = numbers_.emplace(task, numbers_.size() + 1);
  return "[" + std::to_string(it->second) + "/" + std::to_string(total_) + "] " +
         dag_.tasks[task].name;
}

void Progress::attempt_started(std::size_t task, int attempt) {
  running_[task] = std::chrono::steady_clock::now();
  std::string line = prefix(task);
  if (attempt == 1) {
    line += " started";
  } else {
    line += " attempt " + std::to_string(attempt) + "/" +
            std::to_string(dag_.tasks[task].retry.n_tries) + " started";
  }
  printer_.print_line(line);
  refresh();
}

void Progress::attempt_finished(std::size_t task, const Attempt& attempt,
                                std::optional<std::chrono::milliseconds> retry_in) {
  running_.erase(task);
  if (retry_in) {
    printer_.print_line(prefix(task) + " " + attempt.failure + ", retrying in " +
                        format_seconds(static_cast<double>(retry_in->count()) / 1000) +
                        " (attempt " + std::to_string(attempt.number) + "/" +
                        std::to_string(dag_.tasks[task].retry.n_tries) + ")");
  }
  refresh();
}

void Progress::task_finished(std::size_t task, const TaskOutcome& outcome) {
  ++finished_;
  running_.erase(task);
  std::string status = printer_.paint(to_string(outcome.status), color_of(outcome.status));
  std::string line = prefix(task) + " " + status;
  int attempts = static_cast<int>(outcome.attempts.size());
  switch (outcome.status) {
    case TaskStatus::kOk:
      line += " " + format_seconds(outcome.duration_s);
      if (attempts > 1) line += " (attempt " + std::to_string(attempts) + ")";
      break;
    case TaskStatus::kFailed:
    case TaskStatus::kStopped:
    case TaskStatus::kInterrupted:
      line += " " + format_seconds(outcome.duration_s);
      break;
    case TaskStatus::kSkipped:
    case TaskStatus::kNotRun:
      line += ": " + outcome.reason;
      break;
    default:
      break;
  }
  printer_.print_line(line);
  if (outcome.status == TaskStatus::kFailed && attempts > 0) {
    const Attempt& last = outcome.attempts.back();
    printer_.print_line(printer_.paint("FAILED:", Color::kRed) + " " + dag_.tasks[task].name +
                        " (" + last.failure + ", attempt " + std::to_string(last.number) + "/" +
                        std::to_string(dag_.tasks[task].retry.n_tries) + ")");
    fs::path output = common::attempt_output_path(log_dir_, dag_.tasks[task].name, last.number);
    for (const std::string& l : last_lines(output, kTailLines)) printer_.print_line(l);
    printer_.print_line("(output: " + output.string() + ")");
  }
  refresh();
}

void Progress::interrupted(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  printer_.print_line("driver: interrupted by SIG" + std::string(abbrev ? abbrev : "?") +
                      ", stopping " + std::to_string(running_.size()) + " running task(s)");
  refresh();
}

void Progress::refresh() {
  if (!printer_.smart_terminal()) return;
  if (running_.empty()) {
    printer_.clear_status();
    return;
  }
  auto now = std::chrono::steady_clock::now();
  std::string line =
      "[" + std::to_string(finished_) + "/" + std::to_string(total_) + " done] running:";
  for (const auto& [task, since] : running_) {
    line += " " + dag_.tasks[task].name + " " +
            format_seconds(std::chrono::duration<double>(now - since).count());
  }
  printer_.set_status(line);
}

}  // namespace driver
