#include "common/error.h"

#include <boost/program_options/errors.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <iostream>
#include <new>
#include <sstream>
#include <stdexcept>

#include "common/failure.h"
#include "common/message.h"
#include "common/run_main.h"

using common::ExitCode;

namespace {

int code(const common::Error& e) { return static_cast<int>(common::exit_code_for(e.kind())); }

// Runs run_main with std::cerr captured.
std::pair<int, std::string> run_capturing(const std::function<int()>& body) {
  std::ostringstream captured;
  std::streambuf* old = std::cerr.rdbuf(captured.rdbuf());
  int result = common::run_main("prog", body);
  std::cerr.rdbuf(old);
  return {result, captured.str()};
}

}  // namespace

TEST_CASE("each error class maps to its sysexits code", "[error]") {
  CHECK(code(common::Error("x")) == 70);
  CHECK(code(common::UsageError("x")) == 64);
  CHECK(code(common::DataError("x")) == 65);
  CHECK(code(common::InputMissingError("x")) == 66);
  CHECK(code(common::InternalError("x")) == 70);
  CHECK(code(common::OutputError("x")) == 73);
  CHECK(code(common::IoError("x", EIO)) == 74);
  CHECK(code(common::TransientError("x")) == 75);
  CHECK(code(common::PolicyError("x")) == 77);
  CHECK(static_cast<int>(ExitCode::kInterrupted) == 130);
}

TEST_CASE("only transient errors say so", "[error]") {
  CHECK(common::TransientError("x").transient());
  CHECK_FALSE(common::DataError("x").transient());
  CHECK_FALSE(common::UsageError("x").transient());
  CHECK_FALSE(common::OutputError("x").transient());
  for (int err : {EIO, EAGAIN, EINTR, EBUSY, ETIMEDOUT}) {
    CHECK(common::is_transient_errno(err));
    CHECK(common::IoError("x", err).transient());
  }
  for (int err : {ENOSPC, EFBIG, EACCES, ENOENT, EROFS}) {
    CHECK_FALSE(common::is_transient_errno(err));
    CHECK_FALSE(common::IoError("x", err).transient());
  }
  CHECK(common::IoError("x", ENOSPC).error_number() == ENOSPC);
}

TEST_CASE("a system error names what failed, the path and strerror", "[error]") {
  CHECK_THROWS_WITH(common::throw_system_error("cannot open", "/data/raw.csv", ENOENT),
                    "cannot open /data/raw.csv: No such file or directory");
}

TEST_CASE("system errors become the subclass of the file's role", "[error]") {
  using common::FileRole;
  auto thrown = [](int err, FileRole role) -> int {
    try {
      common::throw_system_error("cannot use", "f", err, role);
    } catch (const common::Error& e) {
      return code(e);
    }
    return -1;
  };
  CHECK(thrown(ENOENT, FileRole::kInput) == 66);
  CHECK(thrown(EACCES, FileRole::kInput) == 66);
  CHECK(thrown(ENOTDIR, FileRole::kInput) == 66);
  CHECK(thrown(EIO, FileRole::kInput) == 74);
  CHECK(thrown(EACCES, FileRole::kOutput) == 73);
  CHECK(thrown(EROFS, FileRole::kOutput) == 73);
  CHECK(thrown(ENOENT, FileRole::kOutput) == 73);
  CHECK(thrown(EISDIR, FileRole::kOutput) == 73);
  CHECK(thrown(ENOSPC, FileRole::kOutput) == 74);
  CHECK(thrown(ENOENT, FileRole::kOther) == 74);
  CHECK_THROWS_AS(common::throw_system_error("x", "f", EIO, FileRole::kOutput), common::IoError);
}

TEST_CASE("run_main returns the body's exit code and prints nothing", "[error][run_main]") {
  auto [result, err] = run_capturing([] { return 3; });
  CHECK(result == 3);
  CHECK(err.empty());
}

TEST_CASE("run_main prints an Error as program: message and exits with its code",
          "[error][run_main]") {
  auto [result, err] = run_capturing(
      []() -> int { throw common::DataError("raw.csv:1042: expected 10 fields, found 11"); });
  CHECK(result == 65);
  CHECK(err == "prog: raw.csv:1042: expected 10 fields, found 11\n");
}

TEST_CASE("run_main reports other exceptions as internal errors", "[error][run_main]") {
  auto [result, err] = run_capturing([]() -> int { throw std::runtime_error("boom"); });
  CHECK(result == 70);
  CHECK(err == "prog: internal error: boom\n");

  std::tie(result, err) = run_capturing([]() -> int { throw std::bad_alloc(); });
  CHECK(result == 70);
  CHECK(err == "prog: out of memory\n");

  std::tie(result, err) = run_capturing([]() -> int { throw 42; });
  CHECK(result == 70);
  CHECK(err == "prog: internal error: unknown exception\n");
}

TEST_CASE("run_main reports option parsing errors as usage errors", "[error][run_main]") {
  auto [result, err] =
      run_capturing([]() -> int { throw boost::program_options::unknown_option("--bogus"); });
  CHECK(result == 64);
  CHECK(err == "prog: unrecognised option '--bogus' (see prog --help)\n");
}

TEST_CASE("run_main cuts the whole line of an internal error to the bound the log uses",
          "[error][run_main]") {
  std::string text(10000, 'x');
  auto [result, err] = run_capturing([&]() -> int { throw std::runtime_error(text); });
  CHECK(result == 70);
  CHECK(err == "prog: " + common::bound_message("internal error: " + text) + "\n");
}
