// The shared shape of every kernel binding: read the parameter and its gradient (dense, or sparse
// as indices + values), read and check the state arrays, then run the dense kernel across the
// thread pool or the sparse kernel on the calling thread. Validation happens before any write.
#pragma once
#include <napi.h>

#include <initializer_list>

#include "../kernels/dispatch.h"
#include "../parallel/thread_pool.h"
#include "args.h"

namespace descent {

class ArgReader {
 public:
  explicit ArgReader(const Napi::CallbackInfo& info) : info_(info) {}
  Napi::Env env() const { return info_.Env(); }
  F32View f32(const char* name) { return requireF32(info_, next_++, name); }
  F32View optionalF32(const char* name) { return descent::optionalF32(info_, next_++, name); }
  I32View i32(const char* name) { return requireI32(info_, next_++, name); }
  float num(const char* name) { return static_cast<float>(requireNumber(info_, next_++, name)); }
  bool flag(const char* name) { return requireBool(info_, next_++, name); }
  size_t count(const char* name);

 private:
  const Napi::CallbackInfo& info_;
  size_t next_ = 0;
};

struct Target {
  F32View p, g, vals;
  I32View idx;
  size_t rowLen = 0;
  bool sparse = false;
};

// Reads params, then grads (dense) or indices, values, rowLength (sparse).
Target readTarget(ArgReader& r, bool sparse);

// A required state array: same length as params.
float* state(ArgReader& r, const Target& t, const char* name);
// An optional state array (null/undefined allowed): same length as params when given.
float* optionalState(ArgReader& r, const Target& t, const char* name);

// Throws RangeError if any two of the given arrays share memory (a gradient that aliases a
// parameter or a state buffer would be silently wrong).
void requireDisjoint(Napi::Env env, const Target& t, std::initializer_list<const float*> stateArrays);

template <class A, class SparseFn>
void launch(Napi::Env env, const Target& t, A& a, void (*dense)(const A&, size_t, size_t), SparseFn sparse) {
  if (t.sparse) {
    requireSparse(env, t.idx, t.vals, t.rowLen, t.p.length);
    const SparseGrad sg{t.idx.data, t.vals.data, t.idx.length, t.rowLen};
    sparse(a, sg);
  } else {
    a.g = t.g.data;
    parallelRanges(t.p.length, parallelMinElements(), [&](size_t b, size_t e) { dense(a, b, e); });
  }
}

}  // namespace descent
