// Wide-header benchmark: how long clean, train and predict take to accept or refuse a CSV
// whose header has N columns (default 100,000), the case whose column bookkeeping used to
// grow with the square of the column count (issue 10, item 7). Target: under 2 s each.
//
//   wide_header_bench [--columns N] [--bin DIR]
//
// Writes the files under $TMPDIR, runs the real programs (by default the ones beside this
// program) with output to /dev/null, and prints the wall time and exit code of each run.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;

namespace {

// Runs argv in `cwd`, stdout and stderr to /dev/null; returns the exit code.
int run(const std::vector<std::string>& argv, const fs::path& cwd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    std::exit(1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A header of `columns` columns c0, c1, ... (the last one named `last`) and `rows` rows of
// small integers.
void write_table(const fs::path& path, std::size_t columns, const std::string& last,
                 std::size_t rows) {
  std::ofstream out(path);
  for (std::size_t c = 0; c + 1 < columns; ++c) out << 'c' << c << ',';
  out << last << '\n';
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c + 1 < columns; ++c) out << (r + c) % 10 << ',';
    out << r << '\n';
  }
}

void time_run(const char* what, const std::vector<std::string>& argv, const fs::path& cwd) {
  auto start = std::chrono::steady_clock::now();
  int code = run(argv, cwd);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-48s %8.3f s  exit %d\n", what, s, code);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t columns = 100000;
  fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--columns") {
      columns = std::stoul(argv[i + 1]);
    } else if (flag == "--bin") {
      bin = fs::absolute(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: wide_header_bench [--columns N] [--bin DIR]\n");
      return 64;
    }
  }
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / ("wide_header_bench." + std::to_string(getpid()));
  fs::create_directories(dir);

  write_table(dir / "wide.csv", columns, "y", 3);
  write_table(dir / "duplicate.csv", columns, "c0", 3);  // the last name repeats the first
  {
    std::ofstream small(dir / "small.csv");
    small << "c5,y\n1,2\n2,4\n3,6\n4,8\n";
  }
  std::printf("%zu columns, 3 data rows (%s)\n", columns, dir.c_str());
  auto program = [&](const char* name) { return (bin / name).string(); };
  time_run("clean: accept", {program("clean"), "--input", "wide.csv", "--output", "c.csv"}, dir);
  time_run("clean: accept, writing the schema",
           {program("clean"), "--input", "wide.csv", "--output", "c.csv", "--write-schema",
            "schema.json"},
           dir);
  time_run(
      "clean: accept, checking the schema",
      {program("clean"), "--input", "wide.csv", "--output", "c.csv", "--schema", "schema.json"},
      dir);
  time_run("clean: refuse a duplicate name",
           {program("clean"), "--input", "duplicate.csv", "--output", "d.csv"}, dir);
  time_run("train: refuse (more than 2048 design columns)",
           {program("train"), "--input", "wide.csv", "--output", "m.pkl", "--target", "y"}, dir);
  time_run("train: refuse a duplicate name",
           {program("train"), "--input", "duplicate.csv", "--output", "m.pkl", "--target", "y"},
           dir);
  run({program("train"), "--input", "small.csv", "--output", "small.pkl", "--target", "y",
       "--test-fraction", "0"},
      dir);
  time_run("predict: accept (one feature among them)",
           {program("predict"), "--model", "small.pkl", "--input", "wide.csv", "--output", "p.csv"},
           dir);
  time_run(
      "predict: refuse a duplicate name",
      {program("predict"), "--model", "small.pkl", "--input", "duplicate.csv", "--output", "q.csv"},
      dir);
  fs::remove_all(dir);
  return 0;
}
