#include "common/manifest.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/sha256.h"
#include "common/version.h"
#include "tests/support/test_util.h"
#include "tests/unit/common/child_process.h"

namespace json = boost::json;
using common::update_manifest;
using test_util::TempDir;

namespace {

json::object read_manifest(const std::filesystem::path& runs, const std::string& run_id) {
  return common::read_json_file(common::manifest_path(runs, run_id)).as_object();
}

}  // namespace

TEST_CASE("the manifest path is runs/<run_id>/manifest.json", "[manifest]") {
  CHECK(common::manifest_path("runs", "r1") == std::filesystem::path("runs/r1/manifest.json"));
}

TEST_CASE("a new manifest starts from the versioned skeleton", "[manifest]") {
  TempDir dir;
  update_manifest(dir / "runs", "r1", [](json::object& doc) {
    doc["tasks"].as_object()["clean"] = json::object{{"status", "ok"}};
  });
  std::string text = test_util::read_text(dir / "runs" / "r1" / "manifest.json");
  CHECK(text ==
        "{\n"
        "  \"format\": \"pipeline-run-manifest\",\n"
        "  \"version\": 2,\n"
        "  \"run_id\": \"r1\",\n"
        "  \"tasks\": {\n"
        "    \"clean\": {\n"
        "      \"status\": \"ok\"\n"
        "    }\n"
        "  }\n"
        "}\n");
}

TEST_CASE("updates merge into the existing manifest", "[manifest]") {
  TempDir dir;
  update_manifest(dir.path(), "r1", [](json::object& doc) { doc["tasks"].as_object()["a"] = 1; });
  update_manifest(dir.path(), "r1", [](json::object& doc) { doc["tasks"].as_object()["b"] = 2; });
  json::object doc = read_manifest(dir.path(), "r1");
  CHECK(doc.at("tasks") == json::object{{"a", 1}, {"b", 2}});
}

TEST_CASE("concurrent updates from several processes keep every entry", "[manifest][concurrency]") {
  TempDir dir;
  const int kWriters = 4;
  const int kUpdates = 10;
  std::vector<int> codes = child_process::run_concurrently(kWriters, [&](int writer) {
    for (int i = 0; i < kUpdates; ++i) {
      update_manifest(dir / "runs", "r1", [&](json::object& doc) {
        doc["tasks"].as_object()["task" + std::to_string(writer) + "_" + std::to_string(i)] =
            json::object{{"status", "ok"}, {"pid", writer}};
      });
    }
    return 0;
  });
  CHECK(codes == std::vector<int>(kWriters, 0));
  json::object doc = read_manifest(dir / "runs", "r1");
  CHECK(doc.at("tasks").as_object().size() == static_cast<std::size_t>(kWriters * kUpdates));
  CHECK(doc.at("run_id") == "r1");
}

TEST_CASE("a manifest of a newer version is refused with its version", "[manifest]") {
  TempDir dir;
  std::filesystem::path path = common::manifest_path(dir.path(), "r1");
  test_util::write_text(path,
                        "{\"format\": \"pipeline-run-manifest\", \"version\": 3, \"tasks\": {}}");
  bool called = false;
  CHECK_THROWS_AS(update_manifest(dir.path(), "r1", [&](json::object&) { called = true; }),
                  common::DataError);
  CHECK_THROWS_WITH(update_manifest(dir.path(), "r1", [&](json::object&) { called = true; }),
                    path.string() + ": manifest version 3 is newer than this program's (2)");
  CHECK_FALSE(called);
}

TEST_CASE("a file that is not a manifest is refused", "[manifest]") {
  TempDir dir;
  std::filesystem::path path = common::manifest_path(dir.path(), "r1");
  auto update = [&] { update_manifest(dir.path(), "r1", [](json::object&) {}); };
  test_util::write_text(path, "[1, 2]");
  CHECK_THROWS_WITH(update(), path.string() + ": expected a JSON object");
  test_util::write_text(path, "{\"format\": \"something-else\", \"version\": 1, \"tasks\": {}}");
  CHECK_THROWS_WITH(
      update(),
      path.string() + ": not a run manifest (expected \"format\": \"pipeline-run-manifest\")");
  test_util::write_text(path, "{\"version\": 1, \"tasks\": {}}");
  CHECK_THROWS_WITH(
      update(),
      path.string() + ": not a run manifest (expected \"format\": \"pipeline-run-manifest\")");
  test_util::write_text(
      path, "{\"format\": \"pipeline-run-manifest\", \"version\": \"1\", \"tasks\": {}}");
  CHECK_THROWS_WITH(update(), path.string() + ": expected an integer \"version\"");
  test_util::write_text(path,
                        "{\"format\": \"pipeline-run-manifest\", \"version\": 1, \"tasks\": []}");
  CHECK_THROWS_WITH(update(), path.string() + ": expected an object for \"tasks\"");
  test_util::write_text(path, "{\"format\": \"pipeline-run-manifest\",\n\"version\": 1,,}");
  CHECK_THROWS_WITH(update(), path.string() + ":2:14: invalid JSON: syntax error");
}

TEST_CASE("describe_file records path, size and sha256", "[manifest]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  common::FileRecord record = common::describe_file(dir / "a.csv");
  CHECK(record.path == (dir / "a.csv").string());
  CHECK(record.bytes == 3);
  CHECK(record.sha256 == common::sha256_hex("abc"));
  CHECK(common::to_json(record) ==
        json::object{{"path", record.path}, {"bytes", 3}, {"sha256", record.sha256}});
  CHECK_THROWS_AS(common::describe_file(dir / "missing"), common::InputMissingError);
  CHECK_THROWS_WITH(common::describe_file(dir / "missing"),
                    "cannot stat " + (dir / "missing").string() + ": No such file or directory");
}

TEST_CASE("the environment record names the toolchain and hashes the binaries", "[manifest]") {
  TempDir dir;
  test_util::write_text(dir / "clean", "binary");
  json::object env = common::environment_record({dir / "clean", dir / "missing"});
  for (const char* key :
       {"os_release", "kernel", "compiler", "compiler_flags", "boost", "eigen", "git_sha"}) {
    INFO(key);
    REQUIRE(env.contains(key));
    CHECK(env.at(key).is_string());
  }
  CHECK(env.at("boost") == "1.81.0");
  CHECK(env.at("git_sha") == common::kGitSha);
  CHECK(env.at("kernel").as_string().starts_with("Linux "));
  CHECK(env.at("binaries").at("clean") ==
        json::object{{"path", (dir / "clean").string()}, {"sha256", common::sha256_hex("binary")}});
  CHECK(env.at("binaries").at("missing").at("sha256").is_null());
}

TEST_CASE("self_executable is the running test binary", "[manifest]") {
  CHECK(common::self_executable().filename() == "common_tests");
}
