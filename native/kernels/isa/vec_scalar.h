// One-lane "vector" for the portable path and for tails/gathers in every ISA file.
// Internal linkage (anonymous namespace): each ISA translation unit gets its own copy compiled with
// its own target flags, so the linker can never swap in a copy that uses instructions the CPU lacks.
#pragma once
#include <cfloat>
#include "compat.h"

namespace descent {
namespace {

struct VScalar {
  static constexpr int W = 1;
  float x;
  static inline VScalar load(const float* ptr) { return {*ptr}; }
  inline void store(float* ptr) const { *ptr = x; }
  static inline VScalar set1(float s) { return {s}; }
};

// Free functions, not friends: GCC does not apply a `#pragma GCC target` to friend functions
// defined inside a class, which breaks the AVX intrinsics they call.
inline VScalar operator+(VScalar a, VScalar b) { return {a.x + b.x}; }
inline VScalar operator-(VScalar a, VScalar b) { return {a.x - b.x}; }
inline VScalar operator*(VScalar a, VScalar b) { return {a.x * b.x}; }
inline VScalar operator/(VScalar a, VScalar b) { return {a.x / b.x}; }
// Fused where the file's target has FMA, so a lane computed here (tails, sparse coordinates) is
// bit-identical to the same lane computed by the file's vector type.
#if defined(DESCENT_SCALAR_FMA)
inline VScalar mul_add(VScalar a, VScalar b, VScalar c) { return {DESCENT_FMAF(a.x, b.x, c.x)}; }
#else
inline VScalar mul_add(VScalar a, VScalar b, VScalar c) { return {a.x * b.x + c.x}; }
#endif
inline VScalar vsqrt(VScalar a) { return {DESCENT_SQRTF(a.x)}; }
// Returns b when either is NaN, like maxps: callers put the value whose NaN must survive second.
inline VScalar vmax(VScalar a, VScalar b) { return {a.x > b.x ? a.x : b.x}; }
inline VScalar vabs(VScalar a) { return {DESCENT_FABSF(a.x)}; }

}  // namespace
}  // namespace descent
