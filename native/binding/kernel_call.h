// The shared shape of every kernel binding: read the parameter and its gradient (dense, or sparse
// as indices + values), read and check the state arrays, then run the dense kernel across the
// thread pool or the sparse kernel on the calling thread. Validation happens before any write.
#pragma once
#include <cstdint>
#include <napi.h>

#include <initializer_list>
#include <vector>

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
  const Napi::CallbackInfo& info() const { return info_; }
  size_t position() const { return next_; }
  void skip() { ++next_; }

 private:
  const Napi::CallbackInfo& info_;
  size_t next_ = 0;
};

// One parameter tensor and its gradient when a call steps many tensors at once.
struct Segment {
  F32View p, g;
};

struct Target {
  F32View p, g, vals;  // for a multi-tensor call, p.length is the total and p.data/g.data are null
  I32View idx;
  size_t rowLen = 0;
  bool sparse = false;
  std::vector<Segment> segments;  // multi-tensor call: the state arrays are the segments laid end to end
};

// Reads params, then grads (dense) or indices, values, rowLength (sparse). Dense params and grads may
// also be two equally long arrays of Float32Arrays (many tensors, one call): the state arrays then
// hold every tensor's state back to back, in order.
Target readTarget(ArgReader& r, bool sparse);

// A required state array: same length as params.
float* state(ArgReader& r, const Target& t, const char* name);
// An optional state array (null/undefined allowed): same length as params when given.
float* optionalState(ArgReader& r, const Target& t, const char* name);

// Throws RangeError if any two of the given arrays share memory (a gradient that aliases a
// parameter or a state buffer would be silently wrong).
void requireDisjoint(Napi::Env env, const Target& t, std::initializer_list<const float*> stateArrays);

// Moves every state pointer of a kernel's arguments `off` elements forward (multi-tensor calls).
inline void offsetState(SgdArgs& a, size_t off) { if (a.buf) a.buf += off; }
inline void offsetState(AdagradArgs& a, size_t off) { a.sum += off; }
inline void offsetState(AdadeltaArgs& a, size_t off) { a.sq += off; a.acc += off; }
inline void offsetState(RmspropArgs& a, size_t off) {
  a.sq += off;
  if (a.gavg) a.gavg += off;
  if (a.buf) a.buf += off;
}
inline void offsetState(AdamArgs& a, size_t off) {
  a.m += off;
  a.v += off;
  if (a.vmax) a.vmax += off;
}
inline void offsetState(AdamaxArgs& a, size_t off) { a.m += off; a.u += off; }
inline void offsetState(NadamArgs& a, size_t off) { a.m += off; a.v += off; }
inline void offsetState(FloorArgs& a, size_t off) { a.m += off; a.v += off; }
inline void offsetState(AdaptiveRevisionArgs& a, size_t off) {
  a.gBck += off;
  a.gSum += off;
  a.z += off;
  a.zMax += off;
}

// Bytes of memory traffic per element of one call (reads + writes of every stream it touches).
// The thread cut-over is a traffic threshold: splitting a call pays once it moves tens of MiB.
inline size_t trafficBytes(const SgdArgs& a) { return 12 + (a.buf ? 8 : 0); }
inline size_t trafficBytes(const AdagradArgs&) { return 20; }
inline size_t trafficBytes(const AdadeltaArgs&) { return 28; }
inline size_t trafficBytes(const RmspropArgs& a) { return 20 + (a.gavg ? 8 : 0) + (a.buf ? 8 : 0); }
inline size_t trafficBytes(const AdamArgs& a) { return 28 + (a.vmax ? 8 : 0); }
inline size_t trafficBytes(const AdamaxArgs&) { return 28; }
inline size_t trafficBytes(const NadamArgs&) { return 28; }
inline size_t trafficBytes(const FloorArgs&) { return 28; }
inline size_t trafficBytes(const AdaptiveRevisionArgs&) { return 40; }

// parallelMinElements() counts elements of Adam's traffic (28 B each); a call of another rule
// splits once it moves as many bytes.
template <class A>
size_t splitThreshold(const A& a) {
  const size_t adamElements = parallelMinElements();
  if (adamElements > SIZE_MAX / 28) return SIZE_MAX;  // "never split"
  return adamElements / trafficBytes(a) * 28 + (adamElements % trafficBytes(a)) * 28 / trafficBytes(a);
}

template <class A, class SparseFn>
void launch(Napi::Env env, const Target& t, A& a, void (*dense)(const A&, size_t, size_t), SparseFn sparse) {
  if (!t.segments.empty()) {
    size_t off = 0;
    for (const Segment& s : t.segments) {
      A part = a;
      offsetState(part, off);
      part.p = s.p.data;
      part.g = s.g.data;
      const size_t threshold = splitThreshold(part);
      if (s.p.length < threshold) dense(part, 0, s.p.length);
      else parallelRanges(s.p.length, threshold, [&](size_t b, size_t e) { dense(part, b, e); });
      off += s.p.length;
    }
    return;
  }
  if (t.sparse) {
    requireSparse(env, t.idx, t.vals, t.rowLen, t.p.length);
    const SparseGrad sg{t.idx.data, t.vals.data, t.idx.length, t.rowLen};
    sparse(a, sg);
  } else {
    a.g = t.g.data;
    // Below the cut-over the kernel runs right here, without the pool's std::function hop.
    const size_t threshold = splitThreshold(a);
    if (t.p.length < threshold) dense(a, 0, t.p.length);
    else parallelRanges(t.p.length, threshold, [&](size_t b, size_t e) { dense(a, b, e); });
  }
}

}  // namespace descent
