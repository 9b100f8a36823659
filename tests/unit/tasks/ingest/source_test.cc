#include "tasks/ingest/source.h"

#include <catch2/catch.hpp>

#include "common/error.h"

TEST_CASE("a plain path, file:// and http(s):// are sources", "[ingest][source]") {
  CHECK(tasks::parse_source("../data/raw.csv").kind == tasks::Source::Kind::kFile);
  CHECK(tasks::parse_source("../data/raw.csv").path == "../data/raw.csv");
  CHECK(tasks::parse_source("file:///tmp/a%20b.csv").path == "/tmp/a b.csv");
  CHECK(tasks::parse_source("file://localhost/tmp/x.csv").path == "/tmp/x.csv");
  CHECK(tasks::parse_source("https://example.com/x.csv").kind == tasks::Source::Kind::kHttp);
  CHECK(tasks::parse_source("http://example.com/x.csv").kind == tasks::Source::Kind::kHttp);
}

TEST_CASE("unsupported sources are usage errors", "[ingest][source]") {
  REQUIRE_THROWS_AS(tasks::parse_source("ftp://example.com/x.csv"), common::UsageError);
  REQUIRE_THROWS_WITH(tasks::parse_source("ftp://example.com/x.csv"),
                      "unsupported source 'ftp://example.com/x.csv': expected a path, file://, "
                      "http:// or https://");
  REQUIRE_THROWS_WITH(
      tasks::parse_source("file://relative/x.csv"),
      "unsupported file URI 'file://relative/x.csv': expected file:///absolute/path");
}
