// Lock-free access to parameter memory that several threads (and JS, through a SharedArrayBuffer)
// read and write at the same time: the Hogwild! loops touch shared floats only through these.
//
// Why relaxed atomics: plain concurrent reads and writes of the same float are a data race, which
// C++17 makes undefined behaviour (the compiler may assume no other thread writes, e.g. keep a value
// in a register across a loop or invent stores). std::atomic_ref<float> (C++20) is not available,
// and a std::atomic<float> may not be placed over memory that JS allocated. GCC and Clang's generic
// __atomic_load/__atomic_store builtins take a pointer to any 4-byte type, so we use them directly on
// the float (no type punning, hence no strict-aliasing question) with __ATOMIC_RELAXED: each access
// is indivisible (no torn floats) and nothing else is ordered, which is exactly Hogwild's model.
// Read-modify-write is a load then a store, not an atomic add, so two threads updating the same
// coordinate at once may lose one update: the algorithm tolerates that by design, and an atomic
// float add (a compare-and-swap loop before C++20) would cost a locked instruction per coordinate.
//
// Why it is fast: on x86-64 and AArch64 an aligned 32-bit relaxed load or store compiles to a plain
// mov / ldr / str (no fence, no lock prefix). The only cost is that the compiler will not vectorise
// or merge these accesses, which does not matter for sparse gathers and scatters.
// Alignment: a Float32Array's byteOffset is a multiple of 4 and buffers are at least 8-aligned, so
// every float here is naturally aligned, the condition for the hardware to make it indivisible.
//
// MSVC has no __atomic builtins: there a volatile access of an aligned 32-bit value is one
// instruction and is not reordered or elided by the compiler (its documented /volatile semantics).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace descent {

inline float loadShared(const float* p) {
#if defined(__GNUC__) || defined(__clang__)
  float v;
  __atomic_load(p, &v, __ATOMIC_RELAXED);
  return v;
#else
  return *static_cast<const volatile float*>(p);
#endif
}

inline void storeShared(float* p, float v) {
#if defined(__GNUC__) || defined(__clang__)
  __atomic_store(p, &v, __ATOMIC_RELAXED);
#else
  *static_cast<volatile float*>(p) = v;
#endif
}

// The two ways a Hogwild! loop reaches parameter memory, as template arguments of the same loop:
// SharedAccess when other threads may write it at the same time (relaxed atomics, above), and
// PlainAccess when the calling thread is its only writer (one thread, or a private copy). Plain
// loads and stores do the same arithmetic on the same values, so both give the same bits; they only
// free the compiler to keep pointers and scalars in registers across the stores.
struct SharedAccess {
  static float load(const float* p) { return loadShared(p); }
  static void store(float* p, float v) { storeShared(p, v); }
};

struct PlainAccess {
  static float load(const float* p) { return *p; }
  static void store(float* p, float v) { *p = v; }
};

// `changed ? a : b` computed with masks, not a branch: the compilers turn a plain ?: on pointers
// back into a branch, which is what we must avoid; the empty asm hides the mask's origin from them.
inline float* selectTarget(bool changed, float* a, float* b) {
  uintptr_t keep = static_cast<uintptr_t>(0) - static_cast<uintptr_t>(changed);  // all ones when changed
#if defined(__GNUC__) || defined(__clang__)
  asm("" : "+r"(keep));
#endif
  const uintptr_t pa = reinterpret_cast<uintptr_t>(a), pb = reinterpret_cast<uintptr_t>(b);
  return reinterpret_cast<float*>(pb ^ ((pa ^ pb) & keep));
}

// Whether two floats differ in any bit (so -0 vs +0 counts as a change and a NaN as none: either
// way storing or not gives the same memory).
inline bool bitsDiffer(float x, float y) {
  uint32_t a, b;
  std::memcpy(&a, &x, sizeof a);
  std::memcpy(&b, &y, sizeof b);
  return a != b;
}

// One coordinate's update in a Hogwild! loop, shared by every objective. The objective hands over
// the data part of the gradient (computed at the values it read) and the coefficient of its L2
// term; the L2 part is taken at the coordinate's current value, which is re-read here so that an
// update another thread made since our read is kept rather than overwritten with a stale value.
//   g = dataGrad + reg * w[i]
//   sgd:      w[i] -= lr * g
//   adagrad:  acc[i] += g*g;  w[i] -= lr * g / (sqrt(acc[i]) + eps)   (the accumulator is shared too)
// With skipUnchanged (set when several threads share the memory), an update that leaves the value
// as it was is not stored. Alone that changes nothing (storing the same bits is a no-op); in a race it
// only keeps another thread's update that the store of our stale value would have overwritten. It
// matters for speed: a store takes the cache line away from every other core, and the commonest
// updates of a sparse SVM leave most values unchanged (a row outside the margin only shrinks its
// weights by the factor 1 − γμ/d_j, which rounds to 1 for features in many rows), so without the
// check two threads keep stealing the popular features' lines from each other. The check must not be a branch:
// whether a value changes varies from nonzero to nonzero with no pattern a predictor could learn,
// and a mispredicted branch per nonzero halves single-thread speed. So the store always happens, to
// the weight or to `scratch`, a float of the caller's own (on its stack, never shared), chosen with
// masks. It still costs a few instructions per coordinate (~15% on one thread), hence the flag.
struct SharedStep {
  float lr = 0.0f;
  float eps = 1e-10f;
  float* acc = nullptr;  // adagrad accumulators, same layout as w; null: plain SGD
  bool skipUnchanged = false;

  template <class Access = SharedAccess>
  void apply(float* w, size_t i, float dataGrad, float reg, float& scratch) const {
    const float wi = Access::load(w + i);
    const float g = dataGrad + reg * wi;
    float next;
    if (!acc) {
      next = wi - lr * g;
    } else {
      float* a = acc + i;
      const float sum = Access::load(a) + g * g;
      // g = 0 leaves the accumulator as it was
      Access::store(skipUnchanged ? selectTarget(g != 0.0f, a, &scratch) : a, sum);
      next = wi - lr * g / (std::sqrt(sum) + eps);
    }
    Access::store(skipUnchanged ? selectTarget(bitsDiffer(next, wi), w + i, &scratch) : w + i, next);
  }
};

}  // namespace descent
