#include "driver/graph_format.h"

#include <catch2/catch.hpp>

#include "tests/unit/driver/fake_runner.h"

namespace {

driver::Dag pipeline() {
  driver::Dag dag =
      driver_test::make_dag({{"clean", {}}, {"train", {"clean"}}, {"end", {"train"}}});
  dag.edge_files[{1, 0}] = {"clean.csv"};
  return dag;
}

}  // namespace

TEST_CASE("dot output has a box per task and labelled edges", "[graph_format]") {
  REQUIRE(driver::format_dot(pipeline()) ==
          "digraph pipeline {\n"
          "  rankdir=LR;\n"
          "  node [shape=box, fontname=\"Helvetica\"];\n"
          "  \"clean\";\n"
          "  \"train\";\n"
          "  \"end\";\n"
          "  \"clean\" -> \"train\" [label=\"clean.csv\"];\n"
          "  \"train\" -> \"end\";\n"
          "}\n");
}

TEST_CASE("mermaid output avoids keywords as node ids", "[graph_format]") {
  REQUIRE(driver::format_mermaid(pipeline()) ==
          "flowchart LR\n"
          "  clean[\"clean\"]\n"
          "  train[\"train\"]\n"
          "  t2[\"end\"]\n"
          "  clean -->|\"clean.csv\"| train\n"
          "  train --> t2\n");
}
