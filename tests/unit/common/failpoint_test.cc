#include "common/failpoint.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"
#include "common/failure.h"
#include "tests/unit/common/scoped_env.h"

using common::failpoint;
using common::failpoint_exit_code;

namespace {

// Sets PIPELINE_FAILPOINTS for one case and makes the library read it again, before and
// after, so no case sees another's failpoints.
class ScopedFailpoints {
 public:
  explicit ScopedFailpoints(const char* spec) : env_({{"PIPELINE_FAILPOINTS", spec}}) {
    common::reset_failpoints();
  }
  ~ScopedFailpoints() { common::reset_failpoints(); }

 private:
  ScopedEnv env_;
};

}  // namespace

TEST_CASE("a failpoint fails transiently the number of times it is given", "[failpoint]") {
  ScopedFailpoints env("ingest.read=2,save.deploy=1");
  CHECK_THROWS_WITH(failpoint("ingest.read"),
                    "failpoint ingest.read: injected transient failure (1 of 2)");
  CHECK_THROWS_WITH(failpoint("ingest.read"),
                    "failpoint ingest.read: injected transient failure (2 of 2)");
  CHECK_NOTHROW(failpoint("ingest.read"));
  CHECK_NOTHROW(failpoint("ingest.read"));
  CHECK_THROWS_WITH(failpoint("save.deploy"),
                    "failpoint save.deploy: injected transient failure (1 of 1)");
  CHECK_NOTHROW(failpoint("save.deploy"));
}

TEST_CASE("an injected failure is a transient error with exit code 75", "[failpoint]") {
  ScopedFailpoints env("ingest.read=1");
  try {
    failpoint("ingest.read");
    FAIL("no failure injected");
  } catch (const common::Error& e) {
    CHECK(e.transient());
    CHECK(static_cast<int>(common::exit_code_for(e.kind())) == 75);
  }
}

TEST_CASE("steps without a failpoint never fail", "[failpoint]") {
  ScopedFailpoints env("ingest.read=2");
  CHECK_NOTHROW(failpoint("clean.read"));
  CHECK_NOTHROW(failpoint("ingest"));
  CHECK_NOTHROW(failpoint("ingest.read.more"));
}

TEST_CASE("failpoints are off when the variable is unset", "[failpoint]") {
  ScopedFailpoints env(nullptr);
  CHECK_NOTHROW(failpoint("ingest.read"));
  CHECK(failpoint_exit_code("clean") == -1);
}

TEST_CASE("spaces around failpoint items are ignored", "[failpoint]") {
  ScopedFailpoints env(" ingest.read = 1 , clean.exit=3 ");
  CHECK_THROWS_WITH(failpoint("ingest.read"),
                    "failpoint ingest.read: injected transient failure (1 of 1)");
  CHECK(failpoint_exit_code("clean") == 3);
}

TEST_CASE("malformed failpoint items are ignored", "[failpoint]") {
  ScopedFailpoints env("garbage,,=4,ingest.read=1");
  CHECK_THROWS(failpoint("ingest.read"));
  CHECK_NOTHROW(failpoint("garbage"));
}

TEST_CASE("a task's exit failpoint gives its code, task.exit applies to every task",
          "[failpoint]") {
  {
    ScopedFailpoints env("clean.exit=3");
    CHECK(failpoint_exit_code("clean") == 3);
    CHECK(failpoint_exit_code("train") == -1);
  }
  {
    ScopedFailpoints env("task.exit=5");
    CHECK(failpoint_exit_code("clean") == 5);
    CHECK(failpoint_exit_code("train") == 5);
  }
  {
    ScopedFailpoints env("task.exit=5,train.exit=0");
    CHECK(failpoint_exit_code("train") == 0);
    CHECK(failpoint_exit_code("clean") == 5);
  }
}

TEST_CASE("the variable is read once until reset", "[failpoint]") {
  ScopedFailpoints env("ingest.read=1");
  CHECK_THROWS(failpoint("ingest.read"));
  ::setenv("PIPELINE_FAILPOINTS", "ingest.read=5", 1);
  CHECK_NOTHROW(failpoint("ingest.read"));
  common::reset_failpoints();
  CHECK_THROWS_WITH(failpoint("ingest.read"),
                    "failpoint ingest.read: injected transient failure (1 of 5)");
}
