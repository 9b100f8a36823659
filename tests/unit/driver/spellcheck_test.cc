#include "driver/spellcheck.h"

#include <catch2/catch.hpp>

TEST_CASE("edit distance counts insertions, deletions and substitutions", "[spellcheck]") {
  REQUIRE(driver::edit_distance("train", "train") == 0);
  REQUIRE(driver::edit_distance("trian", "train") == 2);
  REQUIRE(driver::edit_distance("input", "inputs") == 1);
  REQUIRE(driver::edit_distance("", "abc") == 3);
}

TEST_CASE("a near miss gets a suggestion, a far one does not", "[spellcheck]") {
  std::vector<std::string> names{"ingest", "clean", "train", "save", "report"};
  REQUIRE(driver::did_you_mean("trian", names, '\'') == ", did you mean 'train'?");
  REQUIRE(driver::did_you_mean("deploy", names).empty());
}
