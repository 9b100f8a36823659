#pragma once

#include <string>

#include "driver/dag.h"

namespace driver {

// The DAG in Graphviz's dot language: one box per task, an edge from each task to those
// that need it, labelled with the files that carry the dependency. Render it with
// `driver graph | dot -Tpng -o DAG.png`.
std::string format_dot(const Dag& dag);

// The same as a Mermaid flowchart (GitHub renders it in Markdown).
std::string format_mermaid(const Dag& dag);

}  // namespace driver
