#pragma once

// Helpers for the unit tests that need real processes: concurrent writers, a process
// killed half-way, a file-size limit, dropped privileges. Header-only so each test file
// stays one unit.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace child_process {

// How a forked child ended and what it reported.
struct Result {
  int exit_code = -1;   // exit status, or -1 when killed
  int signal = 0;       // the signal that killed it, or 0
  std::string message;  // what the child passed to its `report` callback
};

// Runs `body` in a forked child and waits for it. The child's return value is its exit
// status; an escaping exception exits 99 with what() as the message. `report` sends text
// back through a pipe (so a child that cannot write files can still report). The child
// ends with _exit, so no test-framework or sanitizer exit handler runs twice.
inline Result run(
    const std::function<int(const std::function<void(const std::string&)>& report)>& body) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    auto report = [&](const std::string& text) {
      const char* p = text.data();
      std::size_t left = text.size();
      while (left > 0) {
        ssize_t n = ::write(fds[1], p, left);
        if (n <= 0) break;
        p += n;
        left -= static_cast<std::size_t>(n);
      }
    };
    int code = 99;
    try {
      code = body(report);
    } catch (const std::exception& e) {
      report(e.what());
    } catch (...) {
      report("unknown exception");
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  ::close(fds[1]);
  Result result;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.message.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// Starts `n` children that each run `body(i)` at once (released together through a pipe,
// so their work overlaps) and returns their exit codes.
inline std::vector<int> run_concurrently(int n, const std::function<int(int index)>& body) {
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      while (::read(gate[0], &c, 1) < 0 && errno == EINTR) {
      }
      int code = 99;
      try {
        code = body(i);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", i, e.what());
      } catch (...) {
      }
      std::fflush(nullptr);
      ::_exit(code);
    }
    pids.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // EOF releases every child at once
  std::vector<int> codes;
  for (pid_t pid : pids) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return codes;
}

}  // namespace child_process
