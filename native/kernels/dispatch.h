// Chooses the kernel table once at load: the best ISA the CPU supports, or the one DESCENT_ISA
// names. Tests and benchmarks may switch paths at run time with selectIsa().
#pragma once
#include <string>
#include <vector>
#include "kernels.h"

namespace descent {

// The table in use. Never null after initDispatch() succeeded.
const KernelTable& activeKernels();

// Names of the ISA paths this binary has and this CPU can run, best last ("scalar" first).
const std::vector<std::string>& availableIsas();

// Picks the table from the CPU probe and DESCENT_ISA. Returns an empty string on success, or a
// message that names the problem and what to do (an unknown or unavailable DESCENT_ISA).
std::string initDispatch();

// Switches to a named ISA; returns false (and changes nothing) if it is not available.
bool selectIsa(const std::string& name);

}  // namespace descent
