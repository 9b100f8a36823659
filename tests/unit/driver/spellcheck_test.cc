#include "driver/spellcheck.h"

#include <catch2/catch.hpp>

TEST_CASE("edit distance counts insertions, deletions and substitutions", "[spellcheck]") {
  REQUIRE(driver::edit_distance("train", "train") == 0);
  REQUIRE(driver::edit_distance("tarin", "train") == 1);
  REQUIRE(driver::edit_distance("tran", "train") == 1);
  REQUIRE(driver::edit_distance("input", "inputs") == 1);
  REQUIRE(driver::edit_distance("", "abc") == 3);
}

TEST_CASE("a near miss gets a suggestion, a far one does not", "[spellcheck]") {
  std::vector<std::string> names{"ingest", "clean", "train", "save", "report"};
  REQUIRE(driver::did_you_mean("trian", names, '\'') == ", did you mean 'train'?");
  REQUIRE(driver::did_you_mean("deploy", names).empty());
}

TEST_CASE("a swap of two adjacent characters is one edit", "[spellcheck]") {
  REQUIRE(driver::edit_distance("trian", "train") == 1);
  REQUIRE(driver::edit_distance("stauts", "status") == 1);
  REQUIRE(driver::edit_distance("--jbos", "--jobs") == 1);
}

TEST_CASE("a short word is not matched to a far-off candidate", "[spellcheck]") {
  std::vector<std::string> names{"deps", "cmd", "inputs"};
  REQUIRE(driver::did_you_mean("env", names).empty());
  REQUIRE(driver::did_you_mean("dpes", names) == ", did you mean \"deps\"?");
  REQUIRE(driver::did_you_mean("input", names) == ", did you mean \"inputs\"?");
}
