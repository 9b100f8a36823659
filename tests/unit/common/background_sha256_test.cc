#include "common/background_sha256.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "common/sha256.h"

using common::BackgroundSha256;
using common::Sha256;

TEST_CASE("a background hash of chunks equals the one-shot hash", "[background_sha256]") {
  // More chunks than the queue holds, so feed() has to wait for the hasher.
  std::string all;
  BackgroundSha256 hash;
  std::string chunk;
  for (int i = 0; i < 40; ++i) {
    chunk.assign(static_cast<std::size_t>(10000 + i * 997), static_cast<char>('a' + i % 26));
    all += chunk;
    chunk = hash.feed(std::move(chunk));
    CHECK(chunk.empty());
  }
  CHECK(hash.finish() == common::sha256_hex(all));
}

TEST_CASE("a background hash continues a hash started in the foreground", "[background_sha256]") {
  auto started = std::make_unique<Sha256>();
  started->update("abc");
  BackgroundSha256 hash(std::move(started));
  hash.feed("def");
  CHECK(hash.finish() == common::sha256_hex("abcdef"));
}

TEST_CASE("a background hash of nothing is the empty digest", "[background_sha256]") {
  BackgroundSha256 hash;
  CHECK(hash.finish() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("a background hash that is never finished stops cleanly", "[background_sha256]") {
  auto hash = std::make_unique<BackgroundSha256>();
  hash->feed(std::string(1 << 20, 'x'));
  hash.reset();  // joins the thread without a digest
  SUCCEED();
}
