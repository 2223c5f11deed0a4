// JS entry points for the update rules. Argument order: params, then grads (dense) or
// indices, values, rowLength (sparse), then the state arrays and the per-step scalars in the order
// kernels/kernel_args.h reads them (the TS KernelCall's order). lib/ is the only caller.
#include "optimizer_bindings.h"

#include "../kernels/kernel_args.h"
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernel_call.h"

namespace descent {

namespace {

// kernel_args.h's Source, reading from a JS call: state arrays are checked against the params.
class JsSource {
 public:
  JsSource(ArgReader& r, const Target& t) : r_(r), t_(t) {}
  float* state(const char* name) { return descent::state(r_, t_, name); }
  float* optionalState(const char* name) { return descent::optionalState(r_, t_, name); }
  float num(const char* name) { return r_.num(name); }
  bool flag(const char* name) { return r_.flag(name); }

 private:
  ArgReader& r_;
  const Target& t_;
};

template <class A>
void stateArrays(const A&, const float* (&out)[3]);

void stateArrays(const SgdArgs& a, const float* (&out)[3]) { out[0] = a.buf; out[1] = out[2] = nullptr; }
void stateArrays(const AdagradArgs& a, const float* (&out)[3]) { out[0] = a.sum; out[1] = out[2] = nullptr; }
void stateArrays(const AdadeltaArgs& a, const float* (&out)[3]) { out[0] = a.sq; out[1] = a.acc; out[2] = nullptr; }
void stateArrays(const RmspropArgs& a, const float* (&out)[3]) { out[0] = a.sq; out[1] = a.gavg; out[2] = a.buf; }
void stateArrays(const AdamArgs& a, const float* (&out)[3]) { out[0] = a.m; out[1] = a.v; out[2] = a.vmax; }
void stateArrays(const AdamaxArgs& a, const float* (&out)[3]) { out[0] = a.m; out[1] = a.u; out[2] = nullptr; }
void stateArrays(const NadamArgs& a, const float* (&out)[3]) { out[0] = a.m; out[1] = a.v; out[2] = nullptr; }
void stateArrays(const FloorArgs& a, const float* (&out)[3]) { out[0] = a.m; out[1] = a.v; out[2] = nullptr; }

// Reads everything, checks that no two arrays overlap, then runs: nothing is written before all
// checks have passed.
template <class A, bool Sparse>
Napi::Value Call(const Napi::CallbackInfo& info, void (*dense)(const A&, size_t, size_t),
                 void (*sparse)(const A&, const SparseGrad&)) {
  ArgReader r(info);
  const Target t = readTarget(r, Sparse);
  A a{};
  a.p = t.p.data;
  JsSource src(r, t);
  readArgs(src, a);
  const float* st[3];
  stateArrays(a, st);
  requireDisjoint(r.env(), t, {st[0], st[1], st[2]});
  launch(r.env(), t, a, dense, [&](const A& args, const SparseGrad& sg) {
    if (sparse) sparse(args, sg);
  });
  return info.Env().Undefined();
}

template <class A>
Napi::Value Dense(const Napi::CallbackInfo& info, void (*KernelTable::*dense)(const A&, size_t, size_t)) {
  return Call<A, false>(info, activeKernels().*dense, nullptr);
}

template <class A>
Napi::Value Sparse(const Napi::CallbackInfo& info, void (*KernelTable::*sparse)(const A&, const SparseGrad&)) {
  return Call<A, true>(info, nullptr, activeKernels().*sparse);
}

// AdaptiveRevision has four state arrays (one of them, gBck, only read), more than Call's three slots.
Napi::Value AdaptiveRevision(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, false);
  AdaptiveRevisionArgs a{};
  a.p = t.p.data;
  JsSource src(r, t);
  readArgs(src, a);
  requireDisjoint(r.env(), t, {a.gBck, a.gSum, a.z, a.zMax});
  launch(r.env(), t, a, activeKernels().adaptiveRevision, [](const AdaptiveRevisionArgs&, const SparseGrad&) {});
  return info.Env().Undefined();
}

// Index of the first NaN or ±Inf in a Float32Array, or -1. Those are the floats whose exponent
// bits are all ones; blocks are tested with an integer OR, which vectorises, and only a block
// that holds one is searched element by element.
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  const F32View a = requireF32(info, 0, "array");
  constexpr size_t kBlock = 1024;
  auto nonFinite = [&](size_t i) {
    uint32_t bits;
    std::memcpy(&bits, a.data + i, sizeof bits);
    return static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
  };
  for (size_t begin = 0; begin < a.length; begin += kBlock) {
    const size_t end = std::min(a.length, begin + kBlock);
    uint32_t bad = 0;
    for (size_t i = begin; i < end; ++i) bad |= nonFinite(i);
    if (!bad) continue;
    for (size_t i = begin; i < end; ++i)
      if (nonFinite(i)) return Napi::Number::New(info.Env(), static_cast<double>(i));
  }
  return Napi::Number::New(info.Env(), -1);
}

}  // namespace

void registerOptimizerBindings(Napi::Env env, Napi::Object exports) {
  auto add = [&](const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
    exports.Set(name, Napi::Function::New(env, fn, name));
  };
  add("sgd", [](const Napi::CallbackInfo& i) { return Dense<SgdArgs>(i, &KernelTable::sgd); });
  add("sgdSparse", [](const Napi::CallbackInfo& i) { return Sparse<SgdArgs>(i, &KernelTable::sgdSparse); });
  add("adagrad", [](const Napi::CallbackInfo& i) { return Dense<AdagradArgs>(i, &KernelTable::adagrad); });
  add("adagradSparse", [](const Napi::CallbackInfo& i) { return Sparse<AdagradArgs>(i, &KernelTable::adagradSparse); });
  add("adadelta", [](const Napi::CallbackInfo& i) { return Dense<AdadeltaArgs>(i, &KernelTable::adadelta); });
  add("rmsprop", [](const Napi::CallbackInfo& i) { return Dense<RmspropArgs>(i, &KernelTable::rmsprop); });
  add("rmspropSparse", [](const Napi::CallbackInfo& i) { return Sparse<RmspropArgs>(i, &KernelTable::rmspropSparse); });
  add("adam", [](const Napi::CallbackInfo& i) { return Dense<AdamArgs>(i, &KernelTable::adam); });
  add("adamSparse", [](const Napi::CallbackInfo& i) { return Sparse<AdamArgs>(i, &KernelTable::adamSparse); });
  add("adamax", [](const Napi::CallbackInfo& i) { return Dense<AdamaxArgs>(i, &KernelTable::adamax); });
  add("nadam", [](const Napi::CallbackInfo& i) { return Dense<NadamArgs>(i, &KernelTable::nadam); });
  add("memoryFloor", [](const Napi::CallbackInfo& i) { return Dense<FloorArgs>(i, &KernelTable::floor); });
  add("adaptiveRevision", AdaptiveRevision);
  add("firstNonFinite", FirstNonFinite);
}

}  // namespace descent
