#include "dense_ops.h"

#include <cstring>

#include "../kernels/dispatch.h"

namespace descent {

const DenseOps& denseOpsFor(const char* isa) {
  // The kernel dispatch only names an ISA the CPU probe allowed, so its name is a safe key.
  if (std::strcmp(isa, "avx512") == 0 && denseOpsAvx512()) return *denseOpsAvx512();
  if (std::strcmp(isa, "avx2") == 0 && denseOpsAvx2()) return *denseOpsAvx2();
  return *denseOpsScalar();
}

const DenseOps& activeDenseOps() { return denseOpsFor(activeKernels().isa); }

}  // namespace descent
