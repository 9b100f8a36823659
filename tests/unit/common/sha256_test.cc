#include "common/sha256.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"
#include "tests/support/test_util.h"

using common::sha256_file;
using common::sha256_hex;
using test_util::TempDir;

namespace {

const char* const kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const char* const kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const char* const kMillionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

}  // namespace

TEST_CASE("sha256 of the FIPS 180-2 vectors", "[sha256]") {
  CHECK(sha256_hex("") == kEmpty);
  CHECK(sha256_hex("abc") == kAbc);
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == kMillionA);
}

TEST_CASE("incremental updates give the one-shot digest", "[sha256]") {
  common::Sha256 hash;
  hash.update("a");
  hash.update("");
  hash.update("bc");
  CHECK(hash.hex_digest() == kAbc);
}

TEST_CASE("sha256 of a file equals sha256 of its content", "[sha256]") {
  TempDir dir;
  test_util::write_text(dir / "abc.txt", "abc");
  test_util::write_text(dir / "empty.txt", "");
  // Larger than the 1 MiB read block, so it takes several reads.
  test_util::write_text(dir / "big.txt", std::string(1000000, 'a') + std::string(2000000, 'a'));
  CHECK(sha256_file(dir / "abc.txt") == kAbc);
  CHECK(sha256_file(dir / "empty.txt") == kEmpty);
  CHECK(sha256_file(dir / "big.txt") == sha256_hex(std::string(3000000, 'a')));
}

TEST_CASE("sha256 of a missing file is an InputMissingError naming it", "[sha256]") {
  TempDir dir;
  CHECK_THROWS_AS(sha256_file(dir / "nope"), common::InputMissingError);
  CHECK_THROWS_WITH(sha256_file(dir / "nope"),
                    "cannot open " + (dir / "nope").string() + ": No such file or directory");
}

TEST_CASE("sha256 of a directory is an I/O error naming it", "[sha256]") {
  TempDir dir;
  CHECK_THROWS_AS(sha256_file(dir.path()), common::IoError);
  CHECK_THROWS_WITH(sha256_file(dir.path()),
                    "cannot read " + dir.path().string() + ": Is a directory");
}
