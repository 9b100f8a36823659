#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace driver {

// needs[i] lists the tasks task i needs (must run before it). Tasks are indices in
// declaration order.
using Needs = std::vector<std::vector<std::size_t>>;

// The reverse relation: dependents[i] lists the tasks that need task i.
Needs dependents_of(const Needs& needs);

// A dependency cycle as a path of tasks whose first and last entries are equal
// ({train, clean, train}: train needs clean, which needs train), or empty when there is
// none. The search starts from tasks in declaration order, so the answer is stable.
std::vector<std::size_t> find_cycle(const Needs& needs);

// Every task after everything it needs; among tasks that are ready at the same time,
// the one declared first comes first. Precondition: no cycle (find_cycle is empty).
std::vector<std::size_t> topological_order(const Needs& needs);

// The tasks in `roots` and everything they need, transitively.
std::vector<bool> upstream_closure(const Needs& needs, const std::vector<std::size_t>& roots);

// The tasks in `roots` and everything that needs them, transitively.
std::vector<bool> downstream_closure(const Needs& needs, const std::vector<std::size_t>& roots);

// What `driver run` selects: the targets and what they need (all tasks when there are no
// targets), intersected with --from's task and its dependents and with --until's task
// and what it needs (each only when given).
struct Selection {
  std::vector<std::size_t> targets;  // positional TASK arguments
  std::vector<std::size_t> from;     // --from
  std::vector<std::size_t> until;    // --until
};
std::vector<bool> select_tasks(const Needs& needs, const Selection& selection);

}  // namespace driver
