#include "driver/graph.h"

#include <catch2/catch.hpp>

using driver::Needs;

TEST_CASE("topological order puts every task after what it needs", "[graph]") {
  // 0 report needs 2 train and 1 clean; 2 train needs 1 clean; 1 clean needs 3 ingest.
  Needs needs{{1, 2}, {3}, {1}, {}};
  REQUIRE(driver::topological_order(needs) == std::vector<std::size_t>{3, 1, 2, 0});
}

TEST_CASE("topological order keeps declaration order among ready tasks", "[graph]") {
  Needs needs{{}, {}, {0}, {}};
  REQUIRE(driver::topological_order(needs) == std::vector<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("an acyclic graph has no cycle", "[graph]") {
  REQUIRE(driver::find_cycle(Needs{{1}, {2}, {}}).empty());
}

TEST_CASE("a cycle is returned as a closed path", "[graph]") {
  Needs needs{{}, {2}, {3}, {1}};  // 1 -> 2 -> 3 -> 1
  REQUIRE(driver::find_cycle(needs) == std::vector<std::size_t>{1, 2, 3, 1});
}

TEST_CASE("a self-loop is a cycle", "[graph]") {
  REQUIRE(driver::find_cycle(Needs{{0}}) == std::vector<std::size_t>{0, 0});
}

TEST_CASE("a long chain does not overflow the stack", "[graph]") {
  Needs needs(100000);
  for (std::size_t i = 1; i < needs.size(); ++i) needs[i] = {i - 1};
  REQUIRE(driver::find_cycle(needs).empty());
  REQUIRE(driver::topological_order(needs).size() == needs.size());
}

TEST_CASE("targets select themselves and what they need", "[graph]") {
  // ingest(0) <- clean(1) <- train(2) <- save(3); report(4) needs train and clean.
  Needs needs{{}, {0}, {1}, {2}, {1, 2}};
  driver::Selection selection;
  selection.targets = {2};
  REQUIRE(driver::select_tasks(needs, selection) ==
          std::vector<bool>{true, true, true, false, false});
}

TEST_CASE("from and until select a range of the pipeline", "[graph]") {
  Needs needs{{}, {0}, {1}, {2}, {1, 2}};
  driver::Selection selection;
  selection.from = {1};
  REQUIRE(driver::select_tasks(needs, selection) ==
          std::vector<bool>{false, true, true, true, true});
  selection.until = {2};
  REQUIRE(driver::select_tasks(needs, selection) ==
          std::vector<bool>{false, true, true, false, false});
}

TEST_CASE("no selection selects everything", "[graph]") {
  REQUIRE(driver::select_tasks(Needs{{}, {0}}, {}) == std::vector<bool>{true, true});
}
