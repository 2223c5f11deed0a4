// NEON path (AArch64), where every CPU has it.
#include "../kernels.h"
#if defined(__aarch64__) || defined(_M_ARM64)
#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include "compat.h"
#include "vec_neon.h"
#define DESCENT_SCALAR_FMA 1
#define DESCENT_V VNeon
#define DESCENT_ISA_NAME "neon"
#include "kernel_table.inl"
namespace descent {
const KernelTable* kernelsNeon() { return &kTable; }
}  // namespace descent
#else
namespace descent {
const KernelTable* kernelsNeon() { return nullptr; }
}  // namespace descent
#endif
