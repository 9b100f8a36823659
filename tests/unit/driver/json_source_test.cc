#include "driver/json_source.h"

#include <catch2/catch.hpp>

TEST_CASE("values and keys remember where they start", "[json]") {
  std::string text = "{\"a\": \"xy\",\n \"b\": [1, 2.5, {\"c\": null}]}";
  driver::JsonSource source = driver::parse_json_source(text);
  REQUIRE(source.value_offsets.at("") == 0);
  REQUIRE(source.key_offsets.at("/a") == 1);
  REQUIRE(source.value_offsets.at("/a") == 6);
  REQUIRE(source.key_offsets.at("/b") == 13);
  REQUIRE(source.value_offsets.at("/b") == 18);
  REQUIRE(source.value_offsets.at("/b/0") == 19);
  REQUIRE(source.value_offsets.at("/b/1") == 22);
  REQUIRE(source.value_offsets.at("/b/2") == 27);
  REQUIRE(source.value_offsets.at("/b/2/c") == 33);
  REQUIRE(source.root.at("b").at(1).as_double() == 2.5);
}

TEST_CASE("duplicate keys are recorded with both places", "[json]") {
  driver::JsonSource source = driver::parse_json_source("{\"k\": 1, \"k\": 2}");
  REQUIRE(source.duplicates.size() == 1);
  REQUIRE(source.duplicates[0].pointer == "/k");
  REQUIRE(source.duplicates[0].offset == 9);
  REQUIRE(source.duplicates[0].first_offset == 1);
}

TEST_CASE("the same key in different objects is no duplicate", "[json]") {
  REQUIRE(driver::parse_json_source("[{\"k\": 1}, {\"k\": 2}]").duplicates.empty());
}

TEST_CASE("keys with escapes and slashes make valid pointers", "[json]") {
  driver::JsonSource source = driver::parse_json_source("{\"a/b~\\u0063\": true}");
  REQUIRE(source.value_offsets.count("/a~1b~0c") == 1);
}

TEST_CASE("a syntax error reports its byte offset", "[json]") {
  try {
    driver::parse_json_source("[1, 2,, 3]");
    FAIL("no error");
  } catch (const driver::JsonSyntaxError& e) {
    REQUIRE(e.offset() == 6);
    REQUIRE(std::string(e.what()) == "invalid JSON: syntax error");
  }
}

TEST_CASE("a top-level number ending the text is complete", "[json]") {
  REQUIRE(driver::parse_json_source("42").root.as_int64() == 42);
}
