// Sixteen float lanes, AVX-512F. Include only from a translation unit compiled for that target.
#pragma once
#include <immintrin.h>

namespace descent {
namespace {

struct VAvx512 {
  static constexpr int W = 16;
  __m512 x;
  static inline VAvx512 load(const float* ptr) { return {_mm512_loadu_ps(ptr)}; }
  inline void store(float* ptr) const { _mm512_storeu_ps(ptr, x); }
  static inline VAvx512 set1(float s) { return {_mm512_set1_ps(s)}; }
};

// Free functions, not friends: GCC does not apply a `#pragma GCC target` to friend functions
// defined inside a class, which breaks the AVX intrinsics they call.
inline VAvx512 operator+(VAvx512 a, VAvx512 b) { return {_mm512_add_ps(a.x, b.x)}; }
inline VAvx512 operator-(VAvx512 a, VAvx512 b) { return {_mm512_sub_ps(a.x, b.x)}; }
inline VAvx512 operator*(VAvx512 a, VAvx512 b) { return {_mm512_mul_ps(a.x, b.x)}; }
inline VAvx512 operator/(VAvx512 a, VAvx512 b) { return {_mm512_div_ps(a.x, b.x)}; }
inline VAvx512 mul_add(VAvx512 a, VAvx512 b, VAvx512 c) {
  return {_mm512_fmadd_ps(a.x, b.x, c.x)};
}
inline VAvx512 vsqrt(VAvx512 a) { return {_mm512_sqrt_ps(a.x)}; }
inline VAvx512 vmax(VAvx512 a, VAvx512 b) { return {_mm512_max_ps(a.x, b.x)}; }
inline VAvx512 vabs(VAvx512 a) {
  return {_mm512_castsi512_ps(
      _mm512_and_si512(_mm512_castps_si512(a.x), _mm512_set1_epi32(0x7fffffff)))};
}

}  // namespace
}  // namespace descent
