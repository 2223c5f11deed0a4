// AVX2 + FMA dense ops (x86-64): four double lanes, floats widened on load. Only this file is
// compiled for that target; denseOpsFor() hands it out only when the kernel dispatch chose avx2,
// which the CPU probe allows only where it runs. Standard headers come before the target switch so
// that no inline library code is emitted with AVX2 instructions under a shared (mergeable) symbol.
#include "dense_ops.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <cstddef>
#include <immintrin.h>
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace descent {
namespace {

struct DAvx2 {
  static constexpr int W = 4;
  __m256d x;
  static inline DAvx2 zero() { return {_mm256_setzero_pd()}; }
  static inline DAvx2 set1(double s) { return {_mm256_set1_pd(s)}; }
  static inline DAvx2 loadFloats(const float* p) { return {_mm256_cvtps_pd(_mm_loadu_ps(p))}; }
  static inline DAvx2 load(const double* p) { return {_mm256_loadu_pd(p)}; }
  inline void store(double* p) const { _mm256_storeu_pd(p, x); }
  inline double sum() const {
    const __m128d pair = _mm_add_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
  }
};
// A free function: GCC does not apply `#pragma GCC target` to friends defined inside a class.
inline DAvx2 mul_add(DAvx2 a, DAvx2 b, DAvx2 c) { return {_mm256_fmadd_pd(a.x, b.x, c.x)}; }

}  // namespace
}  // namespace descent

#define DESCENT_DLANES DAvx2
#define DESCENT_DENSE_ISA_NAME "avx2"
#include "dense_ops.inl"

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
namespace descent {
const DenseOps* denseOpsAvx2() { return &kDenseOps; }
}  // namespace descent
#else
namespace descent {
const DenseOps* denseOpsAvx2() { return nullptr; }
}  // namespace descent
#endif
