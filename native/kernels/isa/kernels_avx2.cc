// AVX2 + FMA path (x86-64). Only this file is compiled for that target; the CPU probe decides at
// load whether it may run. Standard headers come before the target switch so that no inline
// library code is emitted with AVX2 instructions under a shared (mergeable) symbol.
#include "../kernels.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include "compat.h"
#include <immintrin.h>
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#include "vec_avx2.h"
#define DESCENT_SCALAR_FMA 1
#define DESCENT_V VAvx2
#define DESCENT_ISA_NAME "avx2"
#include "kernel_table.inl"
#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
namespace descent {
const KernelTable* kernelsAvx2() { return &kTable; }
}  // namespace descent
#else
namespace descent {
const KernelTable* kernelsAvx2() { return nullptr; }
}  // namespace descent
#endif
