// Driver benchmark: the wall time of the project's pipeline on the housing data (a full
// run and a no-op run), of no-op runs, and the driver's overhead per task.
//
//   driver_bench [--driver PATH] [--repeat N] [--housing CSV]
//
// Builds throwaway projects under $TMPDIR and times the real `driver` binary (by default
// the one beside this program): wall clock, and the CPU time (user + system, from wait4)
// of the driver and what it ran, which a loaded machine does not inflate. The overhead
// per task compares a run of 200 trivial tasks (`true`, one at a time) with spawning the
// same 200 processes directly. The housing runs use the project's dag.json, schema,
// template and notes with the real task programs beside the driver, save deploying to a
// real service on a free port (stopped at the end); without the housing file (default
// ../shared/data/housing.csv beside the source tree) they are skipped with a message.

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/manifest.h"

extern char** environ;

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time (user + system) of the processes run() has waited for, in ms.
double g_child_cpu_ms = 0;

// Runs argv in `cwd` with stdout and stderr to /dev/null; returns the exit code. Its CPU
// time (with that of the processes it waited for) is added to g_child_cpu_ms.
int run(const std::vector<std::string>& argv, const fs::path& cwd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + argv[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  g_child_cpu_ms += (static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// n tasks: `true` each, or (with `files`) a chain copying a file from task to task.
std::string dag_text(int n, bool files) {
  std::string text = "{\"version\": 1, \"workdir\": \"work\", \"tasks\": [\n";
  for (int i = 0; i < n; ++i) {
    std::string name = "t" + std::to_string(i);
    text += i ? ",\n" : "";
    text += "  {\"name\": \"";
    text += name;
    if (files) {
      std::string input = i == 0 ? "../data/raw.csv" : "out" + std::to_string(i - 1) + ".csv";
      std::string output = "out" + std::to_string(i) + ".csv";
      text += "\", \"cmd\": [\"cp\", \"";
      text += input;
      text += "\", \"";
      text += output;
      text += "\"], \"inputs\": [\"";
      text += input;
      text += "\"], \"outputs\": [\"";
      text += output;
      text += "\"]}";
    } else {
      text += "\", \"cmd\": [\"true\"]}";
    }
  }
  return text + "\n]}\n";
}

// A TCP port nobody listens on now.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// The project's pipeline in `project`: dag.json (save told to use `port`), the approved
// schema, the report template and notes from the source tree, and `housing` as
// data/raw.csv.
void make_housing_project(const fs::path& project, const fs::path& housing, int port) {
  fs::path source = PIPELINE_SOURCE_DIR;
  fs::create_directories(project / "data");
  fs::copy_file(housing, project / "data" / "raw.csv");
  fs::copy_file(source / "data" / "schema.json", project / "data" / "schema.json");
  fs::copy(source / "templates", project / "templates", fs::copy_options::recursive);
  fs::copy(source / "notes", project / "notes", fs::copy_options::recursive);
  std::ifstream in(source / "dag.json");
  std::string dag((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string save = "\"--output\", \"flask_api_running.txt\"";
  std::size_t at = dag.find(save);
  if (at == std::string::npos) throw std::runtime_error("dag.json: save's --output not found");
  dag.insert(at + save.size(), ", \"--port\", \"" + std::to_string(port) + "\"");
  write(project / "dag.json", dag);
}

struct Stats {
  double median = 0;  // wall ms
  double min = 0;     // wall ms
  double cpu = 0;     // median CPU ms of the processes started
};

// Runs `fn` `repeat` times, timing wall clock and the CPU time of what it started.
template <typename Fn>
Stats measure(int repeat, Fn&& fn) {
  std::vector<double> wall;
  std::vector<double> cpu;
  wall.reserve(static_cast<std::size_t>(repeat));
  cpu.reserve(static_cast<std::size_t>(repeat));
  for (int i = 0; i < repeat; ++i) {
    g_child_cpu_ms = 0;
    auto start = Clock::now();
    fn();
    wall.push_back(ms_since(start));
    cpu.push_back(g_child_cpu_ms);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return Stats{wall[wall.size() / 2], wall.front(), cpu[cpu.size() / 2]};
}

void print(const char* what, Stats s) {
  std::printf("%-44s %9.2f ms wall [min %.2f]  %8.2f ms CPU\n", what, s.median, s.min, s.cpu);
}

// The project's dag.json on the housing data: every task forced (a full run), then
// nothing to do.
void bench_housing(const fs::path& driver, const fs::path& housing, const fs::path& root,
                   int repeat) {
  if (!fs::exists(housing)) {
    std::printf("housing runs skipped: no %s (use --housing PATH)\n", housing.c_str());
    return;
  }
  fs::path project = root / "housing";
  int port = free_port();
  make_housing_project(project, housing, port);
  auto stop_service = [&] {
    run({(driver.parent_path() / "save").string(), "--stop", "--output", "flask_api_running.txt",
         "--port", std::to_string(port)},
        project / "work");
  };
  try {
    if (run({driver.string(), "run"}, project) != 0) {
      throw std::runtime_error("the housing run failed; see " + (project / "logs").string());
    }
    print("housing: full 5-task run, forced (save live)", measure(repeat, [&] {
            if (run({driver.string(), "run", "--force"}, project) != 0) {
              throw std::runtime_error("a forced housing run failed");
            }
          }));
    print("housing: no-op run, 5 tasks up to date", measure(repeat, [&] {
            run({driver.string(), "run"}, project);
          }));
  } catch (...) {
    stop_service();
    throw;
  }
  stop_service();
}

int bench(int argc, char** argv) {
  fs::path driver = common::self_executable().parent_path() / "driver";
  fs::path housing = fs::path(PIPELINE_SOURCE_DIR) / ".." / "shared" / "data" / "housing.csv";
  int repeat = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--driver") driver = fs::absolute(argv[i + 1]);
    if (flag == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--housing") housing = fs::absolute(argv[i + 1]);
  }
  if (!fs::exists(driver)) {
    std::fprintf(stderr, "driver_bench: no driver at %s (use --driver PATH)\n", driver.c_str());
    return 64;
  }
  fs::path root = fs::temp_directory_path() / ("driver-bench-" + std::to_string(::getpid()));
  fs::remove_all(root);
  std::printf("driver benchmark: %s, %u cores, median of %d runs\n", driver.c_str(),
              std::thread::hardware_concurrency(), repeat);
  bench_housing(driver, housing.lexically_normal(), root, repeat);

  // A 5-task file pipeline, up to date: what `driver` costs when there is nothing to do.
  fs::path five = root / "five";
  write(five / "data" / "raw.csv", "a,b\n1,2\n");
  write(five / "dag.json", dag_text(5, true));
  if (run({driver.string(), "-j", "1"}, five) != 0)
    throw std::runtime_error("the 5-task run failed");
  print("no-op run, 5 file tasks up to date",
        measure(repeat, [&] { run({driver.string()}, five); }));

  // 200 trivial tasks, one at a time, each run forced.
  constexpr int kTasks = 200;
  fs::path many = root / "many";
  write(many / "dag.json", dag_text(kTasks, false));
  Stats full = measure(repeat, [&] {
    if (run({driver.string(), "--force", "-j", "1"}, many) != 0) {
      throw std::runtime_error("the 200-task run failed");
    }
  });
  print("200 trivial tasks (`true`), -j 1, forced", full);
  Stats direct = measure(repeat, [&] {
    for (int i = 0; i < kTasks; ++i) run({"true"}, many / "work");
  });
  print("200 `true` spawned directly, one at a time", direct);
  std::printf("%-44s %9.2f ms wall         %8.2f ms CPU\n", "driver overhead per task",
              (full.median - direct.median) / kTasks, (full.cpu - direct.cpu) / kTasks);
  print("200 trivial tasks, -j 2, forced", measure(repeat, [&] {
          run({driver.string(), "--force", "-j", "2"}, many);
        }));
  print("no-op run, 200 tasks up to date", measure(repeat, [&] { run({driver.string()}, many); }));
  fs::remove_all(root);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "driver_bench: %s\n", e.what());
    return 70;
  }
}
