// Every update-rule variant the kernel tables implement, with realistic per-call scalars and state
// values, so the dense and sparse tests can run each one through any table.
#pragma once
#include <cstddef>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"

namespace descent_test {

using Rng = std::mt19937;

// Most arrays a kernel takes beside params and gradient (AdaptiveRevision: gBck, gSum, z, zMax).
constexpr size_t kMaxStates = 4;

// The arrays of one kernel call: params, gradient, and up to kMaxStates state arrays in the order
// RuleCase::stateNames lists them.
struct Arrays {
  float* p = nullptr;
  const float* g = nullptr;
  float* state[kMaxStates] = {nullptr, nullptr, nullptr, nullptr};
};

struct RuleCase {
  std::string name;
  std::vector<std::string> stateNames;
  // The first this many states are inputs the kernel only reads (AdaptiveRevision's gBck): the
  // tests check them unchanged to the bit, as the gradient.
  size_t readOnlyStates = 0;
  // Initial values of one element: p, g and each state. States are mutually consistent (a centered
  // second moment is at least the squared mean), as a real optimizer run would leave them.
  std::function<void(Rng&, float& p, float& g, float* state)> init;
  std::function<void(const descent::KernelTable&, const Arrays&, size_t begin, size_t end)> dense;
  // Empty when the table has no sparse kernel for this rule.
  std::function<void(const descent::KernelTable&, const Arrays&, const descent::SparseGrad&)> sparse;
};

const std::vector<RuleCase>& ruleCases();

// A gradient value as the cases draw them (|g| in [0.1, 1], either sign).
float sampleGradient(Rng& rng);

// A table with its name, for every ISA this binary has and this CPU runs (scalar first).
struct NamedTable {
  std::string isa;
  const descent::KernelTable* table;
};
std::vector<NamedTable> runnableTables();

// Whether two results of the same update agree: bit-identical, or within a relative 1e-6 of the
// larger of the results and the value before the update (so a near-cancelling p - lr*step is not
// judged against its tiny result), or within 4 ulps. A NaN agrees only with a NaN.
bool agrees(float got, float want, float before);

}  // namespace descent_test
