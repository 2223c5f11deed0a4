// Portable path: baseline ISA, one lane. Always compiled; the fallback everywhere.
#include "vec_scalar.h"
#define DESCENT_V VScalar
#define DESCENT_ISA_NAME "scalar"
#include "kernel_table.inl"

namespace descent {
const KernelTable* kernelsScalar() { return &kTable; }
}  // namespace descent
