// Eight float lanes, AVX2 + FMA. Include only from a translation unit compiled for that target.
#pragma once
#include <immintrin.h>

namespace descent {
namespace {

struct VAvx2 {
  static constexpr int W = 8;
  __m256 x;
  static inline VAvx2 load(const float* ptr) { return {_mm256_loadu_ps(ptr)}; }
  inline void store(float* ptr) const { _mm256_storeu_ps(ptr, x); }
  static inline VAvx2 set1(float s) { return {_mm256_set1_ps(s)}; }
};

// Free functions, not friends: GCC does not apply a `#pragma GCC target` to friend functions
// defined inside a class, which breaks the AVX intrinsics they call.
inline VAvx2 operator+(VAvx2 a, VAvx2 b) { return {_mm256_add_ps(a.x, b.x)}; }
inline VAvx2 operator-(VAvx2 a, VAvx2 b) { return {_mm256_sub_ps(a.x, b.x)}; }
inline VAvx2 operator*(VAvx2 a, VAvx2 b) { return {_mm256_mul_ps(a.x, b.x)}; }
inline VAvx2 operator/(VAvx2 a, VAvx2 b) { return {_mm256_div_ps(a.x, b.x)}; }
inline VAvx2 mul_add(VAvx2 a, VAvx2 b, VAvx2 c) { return {_mm256_fmadd_ps(a.x, b.x, c.x)}; }
inline VAvx2 vsqrt(VAvx2 a) { return {_mm256_sqrt_ps(a.x)}; }
inline VAvx2 vmax(VAvx2 a, VAvx2 b) { return {_mm256_max_ps(a.x, b.x)}; }
inline VAvx2 vabs(VAvx2 a) {
  return {_mm256_and_ps(a.x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)))};
}

}  // namespace
}  // namespace descent
