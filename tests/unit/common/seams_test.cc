// The conventions common/ owns at the seams between programs (issue 10, items 1, 4, 8, 20;
// issue 11, item 4): one input opener, one UTF-8 rule, one quoting rule, one JSONL appender.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "common/error.h"
#include "common/failpoint.h"
#include "common/input_file.h"
#include "common/json_util.h"
#include "common/jsonl.h"
#include "common/message.h"
#include "common/sha256.h"
#include "tests/support/test_util.h"
#include "tests/unit/common/scoped_env.h"

namespace fs = std::filesystem;
namespace json = boost::json;

TEST_CASE("a FIFO opened twice gives the same bytes both times, hashed once", "[input_file]") {
  test_util::TempDir dir;
  fs::path fifo = dir / "in.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string content;
  for (int i = 0; i < 200000; ++i) content += std::to_string(i) + "\n";
  std::thread writer([&] { test_util::write_text(fifo, content); });
  auto read_all = [&](const fs::path& path) {
    common::UniqueFd fd = common::open_input(path);
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0)
      out.append(buffer, static_cast<std::size_t>(n));
    return out;
  };
  std::string first = read_all(fifo);
  writer.join();
  std::string second = read_all(fifo);
  CHECK(first == content);
  CHECK(second == content);
  std::optional<common::InputCopy> copy = common::copied_input(fifo);
  REQUIRE(copy);
  CHECK(copy->bytes == content.size());
  CHECK(copy->sha256 == common::sha256_hex(content));
  CHECK(common::sha256_file(fifo) == common::sha256_hex(content));
}

TEST_CASE("a regular file is opened as it is, not copied", "[input_file]") {
  test_util::TempDir dir;
  test_util::write_text(dir / "a.csv", "x\n1\n");
  common::UniqueFd fd = common::open_input(dir / "a.csv");
  CHECK(fd.get() >= 0);
  CHECK_FALSE(common::copied_input(dir / "a.csv"));
  CHECK_THROWS_AS(common::open_input(dir / "missing.csv"), common::InputMissingError);
}

TEST_CASE("invalid UTF-8 bytes are replaced by U+FFFD and valid text is kept", "[json_util]") {
  CHECK(common::is_valid_utf8("plain, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80"));
  CHECK_FALSE(common::is_valid_utf8("\xff"));
  CHECK_FALSE(common::is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(common::is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(common::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(common::is_valid_utf8("\xE2\x82"));          // cut short
  CHECK(common::valid_utf8("a\xff"
                           "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(common::valid_utf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(common::valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
  json::value v = json::object{{"k\xfe", json::array{"\xff", 1}}};
  std::string line = common::to_json_line(v);
  CHECK(line == "{\"k\xEF\xBF\xBD\":[\"\xEF\xBF\xBD\",1]}");
  CHECK_NOTHROW(common::parse_json(line, "line"));
  CHECK_NOTHROW(common::parse_json(common::to_pretty_json(v), "pretty"));
}

TEST_CASE("a quoted value in a message is cut to 200 bytes with an ellipsis", "[message]") {
  CHECK(common::quote_for_message("y") == "\"y\"");
  std::string big(10u << 20, 'x');
  std::string quoted = common::quote_for_message(big);
  CHECK(quoted == "\"" + std::string(200, 'x') + "...\"");
  // Never cut inside a UTF-8 character: 199 bytes of 'a', then a 2-byte e-acute.
  std::string accent = std::string(199, 'a') + "\xC3\xA9" + "tail";
  CHECK(common::cut_for_message(accent) == std::string(199, 'a') + "...");
  CHECK(common::bound_message(big).size() < 4200);
}

TEST_CASE("a JSONL append after a torn record starts on a fresh line and readers skip the fragment",
          "[jsonl]") {
  test_util::TempDir dir;
  fs::path path = dir / "history.jsonl";
  test_util::write_text(path, "{\"a\":1}\n{\"b\":");  // a writer died mid-record
  common::append_jsonl(path, "{\"c\":3}");
  CHECK(test_util::read_text(path) == "{\"a\":1}\n{\"b\":\n{\"c\":3}\n");
  std::vector<std::string> warnings;
  auto records = common::read_jsonl(path, [&](const std::string& w) { warnings.push_back(w); });
  REQUIRE(records.size() == 2);
  CHECK(records[1].as_object().at("c").as_int64() == 3);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == path.string() + ":2: skipped a torn record (5 bytes that are not JSON)");
}

TEST_CASE("a JSONL append to a full disk says the disk is full and names the file", "[jsonl]") {
  test_util::TempDir dir;
  fs::path path = dir / "full.jsonl";
  fs::create_symlink("/dev/full", path);
  common::JsonlAppender file(path);
  CHECK_THROWS_WITH(file.append("{}"), "cannot append to " + path.string() +
                                           ": the disk is full (No space left on device)");
}

TEST_CASE(
    "unknown or malformed failpoint entries are ignored with a warning listing the known names",
    "[failpoint]") {
  ScopedEnv env{{"PIPELINE_FAILPOINTS", "ingest.raed=1,ingest.read,save.deploy=x,ingest.read=1"}};
  common::reset_failpoints();
  CHECK(common::failpoints_warning() ==
        "warning: PIPELINE_FAILPOINTS: ignored \"ingest.raed=1\" (unknown name), \"ingest.read\" "
        "(expected NAME=COUNT), \"save.deploy=x\" (expected a count of 0 or more); known: "
        "ingest.read, ingest.write, report.read, report.write, save.deploy, save.history, "
        "save.marker, save.serve, <program>.exit, task.exit");
  CHECK_THROWS_AS(common::failpoint("ingest.read"), common::TransientError);
  common::reset_failpoints();
}

TEST_CASE("well-formed failpoints give no warning", "[failpoint]") {
  ScopedEnv env{{"PIPELINE_FAILPOINTS", " ingest.read = 1 , clean.exit=3 "}};
  common::reset_failpoints();
  CHECK(common::failpoints_warning().empty());
  common::reset_failpoints();
}
