// Dense row primitives for the linear objectives: a dot product of a float row with float weights,
// and an axpy of a float row into a double accumulator. Both accumulate in double so the mean over
// a mini-batch does not depend on the summation order of the ISA path (beyond double rounding).
// One table per ISA, compiled like the optimizer kernels (a shared .inl under a target pragma);
// denseOpsFor() follows the kernel table's ISA so setIsa() switches both together.
#pragma once
#include <cstddef>

namespace descent {

struct DenseOps {
  const char* isa;
  // Σ x[i]·w[i] over n elements; every product is exact in double (24-bit mantissas).
  double (*dot)(const float* x, const float* w, size_t n);
  // acc[i] += a·x[i] over n elements.
  void (*axpy)(double a, const float* x, double* acc, size_t n);
};

const DenseOps* denseOpsScalar();
const DenseOps* denseOpsAvx2();    // null when not compiled for this architecture
const DenseOps* denseOpsAvx512();  // null when not compiled for this architecture

// The table for a kernel ISA name ("scalar", "avx2", "avx512", "neon"); paths without their own
// dense ops (neon) use the scalar table, which the compiler may still auto-vectorise.
const DenseOps& denseOpsFor(const char* isa);
// The table matching the optimizer kernels now in use.
const DenseOps& activeDenseOps();

}  // namespace descent
