#include "tasks/ingest/gunzip.h"

#include <zlib.h>

#include <catch2/catch.hpp>

#include "common/error.h"

namespace {

std::string gzip(const std::string& text) {
  z_stream s{};
  deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, text.size()) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uInt>(text.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::string gunzip_in_pieces(const std::string& data, std::size_t piece) {
  std::string out;
  tasks::Gunzip g([&](std::string_view d) { out.append(d); });
  for (std::size_t i = 0; i < data.size(); i += piece)
    g.feed(std::string_view(data).substr(i, piece));
  g.finish();
  return out;
}

}  // namespace

TEST_CASE("gzip data decompresses whatever the piece size", "[ingest][gzip]") {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",row\n";
  std::string packed = gzip(text);
  CHECK(tasks::looks_like_gzip(packed));
  CHECK_FALSE(tasks::looks_like_gzip(text));
  CHECK(gunzip_in_pieces(packed, 1) == text);
  CHECK(gunzip_in_pieces(packed, 7) == text);
  CHECK(gunzip_in_pieces(packed, 1 << 20) == text);
}

TEST_CASE("concatenated gzip members decompress to the concatenated text", "[ingest][gzip]") {
  CHECK(gunzip_in_pieces(gzip("a,b\n") + gzip("1,2\n"), 3) == "a,b\n1,2\n");
}

TEST_CASE("truncated or corrupt gzip data is a data error", "[ingest][gzip]") {
  std::string packed = gzip(std::string(10000, 'x'));
  REQUIRE_THROWS_WITH(gunzip_in_pieces(packed.substr(0, packed.size() / 2), 64),
                      "truncated gzip data (the stream ends inside a member)");
  std::string corrupt = packed;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  corrupt[13] = static_cast<char>(corrupt[13] ^ 0x55);
  REQUIRE_THROWS_AS(gunzip_in_pieces(corrupt, 64), common::DataError);
}
