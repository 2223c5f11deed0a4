// Four float lanes, AArch64 NEON (always present on arm64, so no target switch is needed).
#pragma once
#include <arm_neon.h>

namespace descent {
namespace {

struct VNeon {
  static constexpr int W = 4;
  float32x4_t x;
  static inline VNeon load(const float* ptr) { return {vld1q_f32(ptr)}; }
  inline void store(float* ptr) const { vst1q_f32(ptr, x); }
  static inline VNeon set1(float s) { return {vdupq_n_f32(s)}; }
};

// Free functions, not friends: GCC does not apply a `#pragma GCC target` to friend functions
// defined inside a class, which breaks the AVX intrinsics they call.
inline VNeon operator+(VNeon a, VNeon b) { return {vaddq_f32(a.x, b.x)}; }
inline VNeon operator-(VNeon a, VNeon b) { return {vsubq_f32(a.x, b.x)}; }
inline VNeon operator*(VNeon a, VNeon b) { return {vmulq_f32(a.x, b.x)}; }
inline VNeon operator/(VNeon a, VNeon b) { return {vdivq_f32(a.x, b.x)}; }
inline VNeon mul_add(VNeon a, VNeon b, VNeon c) { return {vfmaq_f32(c.x, a.x, b.x)}; }
inline VNeon vsqrt(VNeon a) { return {vsqrtq_f32(a.x)}; }
// Like maxps: b wins unless a > b, so a NaN in b survives (vmaxq_f32 would also keep NaNs).
inline VNeon vmax(VNeon a, VNeon b) { return {vbslq_f32(vcgtq_f32(a.x, b.x), a.x, b.x)}; }
inline VNeon vabs(VNeon a) { return {vabsq_f32(a.x)}; }

}  // namespace
}  // namespace descent
