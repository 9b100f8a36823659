#include "common/retry.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <vector>

using common::RetryPolicy;

namespace {

const RetryPolicy kFast{3, std::chrono::milliseconds(0)};

struct Observed {
  std::vector<int> attempts;
  std::vector<std::string> messages;
  common::RetryObserver observer() {
    return [this](int attempt, const common::Error& e) {
      attempts.push_back(attempt);
      messages.emplace_back(e.what());
    };
  }
};

}  // namespace

TEST_CASE("a transient failure is retried until the step succeeds", "[retry]") {
  Observed seen;
  int calls = 0;
  int result = common::retry(kFast, seen.observer(), [&] {
    if (++calls < 3) throw common::TransientError("try " + std::to_string(calls));
    return 42;
  });
  CHECK(result == 42);
  CHECK(calls == 3);
  CHECK(seen.attempts == std::vector<int>{1, 2});
  CHECK(seen.messages == std::vector<std::string>{"try 1", "try 2"});
}

TEST_CASE("the last transient error propagates after n_tries attempts", "[retry]") {
  Observed seen;
  int calls = 0;
  RetryPolicy policy{4, std::chrono::milliseconds(0)};
  CHECK_THROWS_WITH(
      common::retry(policy, seen.observer(),
                    [&] { throw common::TransientError("try " + std::to_string(++calls)); }),
      "try 4");
  CHECK(calls == 4);
  CHECK(seen.attempts == std::vector<int>{1, 2, 3});
}

TEST_CASE("a non-transient error is not retried", "[retry]") {
  Observed seen;
  int calls = 0;
  CHECK_THROWS_AS(common::retry(kFast, seen.observer(),
                                [&] {
                                  ++calls;
                                  throw common::DataError("bad row");
                                }),
                  common::DataError);
  CHECK(calls == 1);
  CHECK(seen.attempts.empty());
}

TEST_CASE("I/O errors are retried only for transient errno values", "[retry]") {
  int calls = 0;
  CHECK_THROWS_AS(common::retry(kFast, nullptr,
                                [&] {
                                  ++calls;
                                  throw common::IoError("cannot read x: Input/output error", EIO);
                                }),
                  common::IoError);
  CHECK(calls == 3);
  calls = 0;
  CHECK_THROWS_AS(common::retry(kFast, nullptr,
                                [&] {
                                  ++calls;
                                  throw common::IoError("cannot write x: No space left on device",
                                                        ENOSPC);
                                }),
                  common::IoError);
  CHECK(calls == 1);
}

TEST_CASE("exceptions outside the Error hierarchy pass straight through", "[retry]") {
  int calls = 0;
  CHECK_THROWS_WITH(common::retry(kFast, nullptr,
                                  [&]() -> int {
                                    ++calls;
                                    throw std::runtime_error("not ours");
                                  }),
                    "not ours");
  CHECK(calls == 1);
}

TEST_CASE("a single try never retries", "[retry]") {
  Observed seen;
  int calls = 0;
  RetryPolicy once{1, std::chrono::milliseconds(0)};
  CHECK_THROWS(common::retry(once, seen.observer(), [&] {
    ++calls;
    throw common::TransientError("down");
  }));
  CHECK(calls == 1);
  CHECK(seen.attempts.empty());
}

TEST_CASE("the default policy is SPEC's 3 tries 0.2 s apart", "[retry]") {
  RetryPolicy policy;
  CHECK(policy.n_tries == 3);
  CHECK(policy.delay == std::chrono::milliseconds(200));
}
