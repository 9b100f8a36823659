#include "common/hash_cache.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/sha256.h"
#include "tests/support/test_util.h"

using common::HashCache;
using test_util::TempDir;

namespace {

struct timespec mtime_of(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mtim;
}

void set_mtime(const std::filesystem::path& path, struct timespec when) {
  struct timespec times[2] = {when, when};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

ino_t inode_of(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("an unchanged file is hashed once", "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  HashCache cache(dir / "cache.json");
  CHECK(cache.files_hashed() == 0);
  CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("abc"));
  CHECK(cache.files_hashed() == 1);
  CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("abc"));
  CHECK(cache.sha256(dir / "." / "a.csv") == common::sha256_hex("abc"));
  CHECK(cache.files_hashed() == 1);
}

TEST_CASE("a file replaced by a rename is rehashed even with the same size and mtime",
          "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  struct timespec when = mtime_of(dir / "a.csv");
  ino_t old_inode = inode_of(dir / "a.csv");
  HashCache cache(dir / "cache.json");
  cache.sha256(dir / "a.csv");
  common::write_file_atomically(dir / "a.csv", "xyz");
  set_mtime(dir / "a.csv", when);
  REQUIRE(inode_of(dir / "a.csv") != old_inode);
  CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("xyz"));
  CHECK(cache.files_hashed() == 2);
}

TEST_CASE("a file rewritten in place with a new mtime is rehashed", "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  struct timespec when = mtime_of(dir / "a.csv");
  HashCache cache(dir / "cache.json");
  cache.sha256(dir / "a.csv");
  test_util::write_text(dir / "a.csv", "xyz");  // same inode, same size
  when.tv_sec += 1;
  set_mtime(dir / "a.csv", when);
  CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("xyz"));
  CHECK(cache.files_hashed() == 2);
}

TEST_CASE("a same-size edit in place with the mtime put back is rehashed (ctime)", "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  struct timespec when = mtime_of(dir / "a.csv");
  ino_t inode = inode_of(dir / "a.csv");
  HashCache cache(dir / "cache.json");
  cache.sha256(dir / "a.csv");
  test_util::write_text(dir / "a.csv", "xyz");  // same inode, same size
  set_mtime(dir / "a.csv", when);               // and the old mtime
  REQUIRE(inode_of(dir / "a.csv") == inode);
  CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("xyz"));
  CHECK(cache.files_hashed() == 2);
}

TEST_CASE("a file that grew is rehashed", "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  struct timespec when = mtime_of(dir / "a.csv");
  HashCache cache(dir / "cache.json");
  cache.sha256(dir / "a.csv");
  test_util::write_text(dir / "a.csv", "abcd");
  set_mtime(dir / "a.csv", when);
  CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("abcd"));
  CHECK(cache.files_hashed() == 2);
}

TEST_CASE("a saved cache serves a new instance without rehashing", "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  test_util::write_text(dir / "b.csv", "def");
  {
    HashCache cache(dir / "state" / "cache.json");
    cache.sha256(dir / "a.csv");
    cache.sha256(dir / "b.csv");
    cache.save();
  }
  HashCache again(dir / "state" / "cache.json");
  CHECK(again.sha256(dir / "a.csv") == common::sha256_hex("abc"));
  CHECK(again.sha256(dir / "b.csv") == common::sha256_hex("def"));
  CHECK(again.files_hashed() == 0);
}

TEST_CASE("a cache with nothing new is not written", "[hash_cache]") {
  TempDir dir;
  HashCache cache(dir / "cache.json");
  cache.save();
  CHECK_FALSE(std::filesystem::exists(dir / "cache.json"));
}

TEST_CASE("a corrupt cache file starts an empty cache", "[hash_cache]") {
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  for (const char* text : {"{not json", "[1,2]", "{\"x\": 3}", "{\"k\": {\"size\": \"3\"}}"}) {
    test_util::write_text(dir / "cache.json", text);
    HashCache cache(dir / "cache.json");
    CHECK(cache.sha256(dir / "a.csv") == common::sha256_hex("abc"));
    CHECK(cache.files_hashed() == 1);
  }
}

TEST_CASE("a cached entry with a wrong hash is served only while the stat matches",
          "[hash_cache]") {
  // Proves the cache is really used: an entry forged with the file's stat is believed.
  TempDir dir;
  test_util::write_text(dir / "a.csv", "abc");
  {
    HashCache cache(dir / "cache.json");
    cache.sha256(dir / "a.csv");
    cache.save();
  }
  std::string text = test_util::read_text(dir / "cache.json");
  std::string real = common::sha256_hex("abc");
  text.replace(text.find(real), real.size(), std::string(64, '0'));
  test_util::write_text(dir / "cache.json", text);
  HashCache cache(dir / "cache.json");
  CHECK(cache.sha256(dir / "a.csv") == std::string(64, '0'));
}

TEST_CASE("hashing a missing file through the cache names it", "[hash_cache]") {
  TempDir dir;
  HashCache cache(dir / "cache.json");
  CHECK_THROWS_AS(cache.sha256(dir / "gone.csv"), common::InputMissingError);
  CHECK_THROWS_WITH(cache.sha256(dir / "gone.csv"),
                    "cannot stat " + (dir / "gone.csv").string() + ": No such file or directory");
}
