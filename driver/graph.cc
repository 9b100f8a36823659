#include "driver/graph.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace driver {

Needs dependents_of(const Needs& needs) {
  Needs dependents(needs.size());
  for (std::size_t task = 0; task < needs.size(); ++task) {
    for (std::size_t needed : needs[task]) dependents[needed].push_back(task);
  }
  return dependents;
}

std::vector<std::size_t> find_cycle(const Needs& needs) {
  enum class Mark { kNew, kOnPath, kDone };
  std::vector<Mark> marks(needs.size(), Mark::kNew);
  std::vector<std::size_t> path;
  std::vector<std::size_t> cycle;

  // Iterative depth-first search: a deep chain of tasks must not overflow the stack.
  for (std::size_t root = 0; root < needs.size() && cycle.empty(); ++root) {
    if (marks[root] != Mark::kNew) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};  // task, next edge
    marks[root] = Mark::kOnPath;
    path.push_back(root);
    while (!stack.empty() && cycle.empty()) {
      auto& [task, edge] = stack.back();
      if (edge == needs[task].size()) {
        marks[task] = Mark::kDone;
        path.pop_back();
        stack.pop_back();
        continue;
      }
      std::size_t next = needs[task][edge++];
      if (marks[next] == Mark::kOnPath) {
        auto start = std::find(path.begin(), path.end(), next);
        cycle.assign(start, path.end());
        cycle.push_back(next);
      } else if (marks[next] == Mark::kNew) {
        marks[next] = Mark::kOnPath;
        path.push_back(next);
        stack.emplace_back(next, 0);
      }
    }
  }
  return cycle;
}

std::vector<std::size_t> topological_order(const Needs& needs) {
  std::vector<std::size_t> waiting(needs.size());
  for (std::size_t task = 0; task < needs.size(); ++task) waiting[task] = needs[task].size();
  Needs dependents = dependents_of(needs);
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t task = 0; task < needs.size(); ++task) {
    if (waiting[task] == 0) ready.push(task);
  }
  std::vector<std::size_t> order;
  order.reserve(needs.size());
  while (!ready.empty()) {
    std::size_t task = ready.top();
    ready.pop();
    order.push_back(task);
    for (std::size_t dependent : dependents[task]) {
      if (--waiting[dependent] == 0) ready.push(dependent);
    }
  }
  return order;
}

namespace {

std::vector<bool> closure(const Needs& edges, const std::vector<std::size_t>& roots) {
  std::vector<bool> in(edges.size(), false);
  std::vector<std::size_t> stack(roots.begin(), roots.end());
  while (!stack.empty()) {
    std::size_t task = stack.back();
    stack.pop_back();
    if (in[task]) continue;
    in[task] = true;
    for (std::size_t next : edges[task]) stack.push_back(next);
  }
  return in;
}

}  // namespace

std::vector<bool> upstream_closure(const Needs& needs, const std::vector<std::size_t>& roots) {
  return closure(needs, roots);
}

std::vector<bool> downstream_closure(const Needs& needs, const std::vector<std::size_t>& roots) {
  return closure(dependents_of(needs), roots);
}

std::vector<bool> select_tasks(const Needs& needs, const Selection& selection) {
  std::vector<bool> selected(needs.size(), true);
  auto intersect = [&](const std::vector<bool>& other) {
    for (std::size_t i = 0; i < selected.size(); ++i) selected[i] = selected[i] && other[i];
  };
  if (!selection.targets.empty()) intersect(upstream_closure(needs, selection.targets));
  if (!selection.from.empty()) intersect(downstream_closure(needs, selection.from));
  if (!selection.until.empty()) intersect(upstream_closure(needs, selection.until));
  return selected;
}

}  // namespace driver
