#include "tasks/save/deploy_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "tests/support/test_util.h"

namespace fs = std::filesystem;

namespace {

void deploy(tasks::DeployStore& store, const std::string& document) {
  std::optional<std::string> before = store.current();
  std::string sha = store.persist(document);
  store.point_current_at(sha);
  store.append_history({"2026-01-01T00:00:00.000Z", "run", "deploy", sha, before.value_or(""), ""});
}

}  // namespace

TEST_CASE("persist stores a document under its sha256 once", "[save][store]") {
  test_util::TempDir dir;
  tasks::DeployStore store(dir / "deploy");
  std::string sha = store.persist("{\"a\":1}\n");
  CHECK(sha == common::sha256_hex("{\"a\":1}\n"));
  CHECK(test_util::read_text(store.model_path(sha)) == "{\"a\":1}\n");
  CHECK(store.persist("{\"a\":1}\n") == sha);
  CHECK_FALSE(store.current().has_value());
}

TEST_CASE("current is a symlink into models/ replaced atomically", "[save][store]") {
  test_util::TempDir dir;
  tasks::DeployStore store(dir / "deploy");
  std::string a = store.persist("a");
  std::string b = store.persist("b");
  store.point_current_at(a);
  CHECK(store.current() == a);
  store.point_current_at(b);
  CHECK(store.current() == b);
  CHECK(fs::read_symlink(store.current_link()) == fs::path("models") / (b + ".json"));
  for (const auto& entry : fs::directory_iterator(dir / "deploy")) {
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
  }
}

TEST_CASE("rollback walks back through deployed models", "[save][store]") {
  test_util::TempDir dir;
  tasks::DeployStore store(dir / "deploy");
  deploy(store, "a");
  deploy(store, "b");
  deploy(store, "c");
  std::string a = common::sha256_hex("a");
  std::string b = common::sha256_hex("b");
  std::string c = common::sha256_hex("c");
  CHECK(store.rollback_target(c) == b);
  CHECK(store.rollback_target(b) == a);
  CHECK_FALSE(store.rollback_target(a).has_value());
  REQUIRE(store.history().size() == 3);
  CHECK(store.history()[2].previous == b);
}

TEST_CASE("a torn history line is skipped", "[save][store]") {
  test_util::TempDir dir;
  tasks::DeployStore store(dir / "deploy");
  deploy(store, "a");
  test_util::write_text(dir / "deploy" / "history.jsonl",
                        test_util::read_text(dir / "deploy" / "history.jsonl") + "{\"ts\":\"2026");
  CHECK(store.history().size() == 1);
}

TEST_CASE("a current symlink left by a save that is gone is removed, a live one's is kept",
          "[save][store]") {
  test_util::TempDir dir;
  tasks::DeployStore store(dir / "deploy");
  std::string a = store.persist("a");
  store.point_current_at(a);
  pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  fs::path stale = dir / "deploy" / (".current.tmp-" + std::to_string(dead));
  fs::path live = dir / "deploy" / (".current.tmp-" + std::to_string(::getppid()));
  fs::create_symlink(fs::path("models") / (a + ".json"), stale);
  fs::create_symlink(fs::path("models") / (a + ".json"), live);
  CHECK(store.remove_stale_temp_links() == 1);
  CHECK_FALSE(fs::exists(fs::symlink_status(stale)));
  CHECK(fs::is_symlink(live));
  CHECK(store.current() == a);
}

TEST_CASE("a deploy after a torn history line gets its own line and rollback still works",
          "[save][store][jsonl]") {
  test_util::TempDir dir;
  tasks::DeployStore store(dir / "deploy");
  deploy(store, "a");
  deploy(store, "b");
  fs::path history = dir / "deploy" / "history.jsonl";
  test_util::write_text(history, test_util::read_text(history) + "{\"ts\":\"2026");  // killed
  deploy(store, "c");
  CHECK(test_util::read_lines(history).size() == 4);
  REQUIRE(store.history().size() == 3);
  CHECK(store.rollback_target(common::sha256_hex("c")) == common::sha256_hex("b"));
}
