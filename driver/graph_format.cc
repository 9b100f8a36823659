#include "driver/graph_format.h"

#include <cctype>

namespace driver {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

std::string dot_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string dot_quoted(const std::string& text) { return "\"" + dot_escaped(text) + "\""; }

// Mermaid node ids must be plain words that are not keywords; task names may hold '-'
// or '.', or be called "end".
std::string mermaid_id(const Dag& dag, std::size_t task) {
  static const char* const kKeywords[] = {"end",   "graph", "subgraph", "flowchart", "style",
                                          "class", "click", "classDef", "linkStyle", "direction"};
  const std::string& name = dag.tasks[task].name;
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  for (const char* keyword : kKeywords) plain = plain && name != keyword;
  return plain ? name : "t" + std::to_string(task);
}

template <typename EdgeFn>
void for_each_edge(const Dag& dag, EdgeFn&& fn) {
  for (std::size_t task = 0; task < dag.tasks.size(); ++task) {
    for (std::size_t needed : dag.needs[task]) {
      auto it = dag.edge_files.find({task, needed});
      fn(needed, task, it == dag.edge_files.end() ? std::vector<std::string>{} : it->second);
    }
  }
}

}  // namespace

std::string format_dot(const Dag& dag) {
  std::string out =
      "digraph pipeline {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (const Task& task : dag.tasks) out += "  " + dot_quoted(task.name) + ";\n";
  for_each_edge(dag, [&](std::size_t from, std::size_t to, const std::vector<std::string>& files) {
    out += "  " + dot_quoted(dag.tasks[from].name) + " -> " + dot_quoted(dag.tasks[to].name);
    if (!files.empty()) {
      std::vector<std::string> escaped;
      escaped.reserve(files.size());
      for (const std::string& file : files) escaped.push_back(dot_escaped(file));
      out += " [label=\"" + join(escaped, "\\n") + "\"]";  // \n: dot's line break
    }
    out += ";\n";
  });
  return out + "}\n";
}

std::string format_mermaid(const Dag& dag) {
  std::string out = "flowchart LR\n";
  for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
    out += "  " + mermaid_id(dag, t) + "[\"" + dag.tasks[t].name + "\"]\n";
  }
  for_each_edge(dag, [&](std::size_t from, std::size_t to, const std::vector<std::string>& files) {
    out += "  " + mermaid_id(dag, from) + " -->";
    if (!files.empty()) out += "|\"" + join(files, ", ") + "\"|";
    out += " " + mermaid_id(dag, to) + "\n";
  });
  return out;
}

}  // namespace driver
