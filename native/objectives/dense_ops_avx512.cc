// AVX-512F dense ops (x86-64): eight double lanes, floats widened on load. Only this file is
// compiled for that target; denseOpsFor() hands it out only when the kernel dispatch chose avx512,
// which the CPU probe allows only where it runs. Standard headers come before the target switch so
// that no inline library code is emitted with AVX-512 instructions under a shared (mergeable) symbol.
#include "dense_ops.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <cstddef>
#include <immintrin.h>
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
// GCC 12 reports its own avx512fintrin.h helpers as (maybe-)uninitialized (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace descent {
namespace {

struct DAvx512 {
  static constexpr int W = 8;
  __m512d x;
  static inline DAvx512 zero() { return {_mm512_setzero_pd()}; }
  static inline DAvx512 set1(double s) { return {_mm512_set1_pd(s)}; }
  static inline DAvx512 loadFloats(const float* p) { return {_mm512_cvtps_pd(_mm256_loadu_ps(p))}; }
  static inline DAvx512 load(const double* p) { return {_mm512_loadu_pd(p)}; }
  inline void store(double* p) const { _mm512_storeu_pd(p, x); }
  inline double sum() const { return _mm512_reduce_add_pd(x); }
};
// A free function: GCC does not apply `#pragma GCC target` to friends defined inside a class.
inline DAvx512 mul_add(DAvx512 a, DAvx512 b, DAvx512 c) { return {_mm512_fmadd_pd(a.x, b.x, c.x)}; }

}  // namespace
}  // namespace descent

#define DESCENT_DLANES DAvx512
#define DESCENT_DENSE_ISA_NAME "avx512"
#include "dense_ops.inl"

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif
namespace descent {
const DenseOps* denseOpsAvx512() { return &kDenseOps; }
}  // namespace descent
#else
namespace descent {
const DenseOps* denseOpsAvx512() { return nullptr; }
}  // namespace descent
#endif
