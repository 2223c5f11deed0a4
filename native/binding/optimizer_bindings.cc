// JS entry points for the update rules. Argument order: params, then grads (dense) or
// indices, values, rowLength (sparse), then the state arrays, then the per-step scalars in the order
// of the Args structs in params.h. The TS layer (lib/native.ts) is the only caller.
#include "optimizer_bindings.h"

#include "kernel_call.h"

namespace descent {

namespace {

template <bool Sparse>
Napi::Value Sgd(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, Sparse);
  SgdArgs a{};
  a.p = t.p.data;
  a.buf = optionalState(r, t, "momentumBuffer");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.decay = r.num("decay");
  a.c1 = r.num("c1");
  a.c2 = r.num("c2");
  a.nmom = r.num("nesterovMomentum");
  a.c3 = r.num("c3");
  a.nesterov = r.flag("nesterov");
  requireDisjoint(r.env(), t, {a.buf});
  launch(r.env(), t, a, activeKernels().sgd, activeKernels().sgdSparse);
  return info.Env().Undefined();
}

template <bool Sparse>
Napi::Value Adagrad(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, Sparse);
  AdagradArgs a{};
  a.p = t.p.data;
  a.sum = state(r, t, "sum");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.clr = r.num("clr");
  a.epsIn = r.num("epsInside");
  a.epsOut = r.num("epsOutside");
  requireDisjoint(r.env(), t, {a.sum});
  launch(r.env(), t, a, activeKernels().adagrad, activeKernels().adagradSparse);
  return info.Env().Undefined();
}

Napi::Value Adadelta(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, false);
  AdadeltaArgs a{};
  a.p = t.p.data;
  a.sq = state(r, t, "squareAvg");
  a.acc = state(r, t, "accDelta");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.rho = r.num("rho");
  a.oneMinusRho = r.num("oneMinusRho");
  a.eps = r.num("eps");
  a.lr = r.num("lr");
  a.useOld = r.flag("useOldSquareAvg");
  requireDisjoint(r.env(), t, {a.sq, a.acc});
  launch(r.env(), t, a, activeKernels().adadelta, [](const AdadeltaArgs&, const SparseGrad&) {});
  return info.Env().Undefined();
}

template <bool Sparse>
Napi::Value Rmsprop(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, Sparse);
  RmspropArgs a{};
  a.p = t.p.data;
  a.sq = state(r, t, "squareAvg");
  a.gavg = optionalState(r, t, "gradAvg");
  a.buf = optionalState(r, t, "momentumBuffer");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.alpha = r.num("alpha");
  a.oneMinusAlpha = r.num("oneMinusAlpha");
  a.epsIn = r.num("epsInside");
  a.epsOut = r.num("epsOutside");
  a.mom = r.num("momentum");
  a.c1 = r.num("c1");
  a.c3 = r.num("c3");
  requireDisjoint(r.env(), t, {a.sq, a.gavg, a.buf});
  launch(r.env(), t, a, activeKernels().rmsprop, activeKernels().rmspropSparse);
  return info.Env().Undefined();
}

template <bool Sparse>
Napi::Value Adam(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, Sparse);
  AdamArgs a{};
  a.p = t.p.data;
  a.m = state(r, t, "expAvg");
  a.v = state(r, t, "expAvgSq");
  a.vmax = optionalState(r, t, "maxExpAvgSq");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.decayMul = r.num("decayMul");
  a.b1 = r.num("beta1");
  a.oneMinusB1 = r.num("oneMinusBeta1");
  a.b2 = r.num("beta2");
  a.oneMinusB2 = r.num("oneMinusBeta2");
  a.invSqrtBc2 = r.num("invSqrtBc2");
  a.eps = r.num("eps");
  a.stepSize = r.num("stepSize");
  requireDisjoint(r.env(), t, {a.m, a.v, a.vmax});
  launch(r.env(), t, a, activeKernels().adam, activeKernels().adamSparse);
  return info.Env().Undefined();
}

Napi::Value Adamax(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, false);
  AdamaxArgs a{};
  a.p = t.p.data;
  a.m = state(r, t, "expAvg");
  a.u = state(r, t, "expInf");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.b1 = r.num("beta1");
  a.oneMinusB1 = r.num("oneMinusBeta1");
  a.b2 = r.num("beta2");
  a.epsA = r.num("epsInMax");
  a.epsB = r.num("epsInDenominator");
  a.clr = r.num("clr");
  requireDisjoint(r.env(), t, {a.m, a.u});
  launch(r.env(), t, a, activeKernels().adamax, [](const AdamaxArgs&, const SparseGrad&) {});
  return info.Env().Undefined();
}

Napi::Value Nadam(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, false);
  NadamArgs a{};
  a.p = t.p.data;
  a.m = state(r, t, "expAvg");
  a.v = state(r, t, "expAvgSq");
  a.sign = r.num("sign");
  a.wd = r.num("weightDecay");
  a.b1 = r.num("beta1");
  a.oneMinusB1 = r.num("oneMinusBeta1");
  a.b2 = r.num("beta2");
  a.oneMinusB2 = r.num("oneMinusBeta2");
  a.invSqrtBc2 = r.num("invSqrtBc2");
  a.eps = r.num("eps");
  a.cg = r.num("gradCoef");
  a.cm = r.num("momentumCoef");
  requireDisjoint(r.env(), t, {a.m, a.v});
  launch(r.env(), t, a, activeKernels().nadam, [](const NadamArgs&, const SparseGrad&) {});
  return info.Env().Undefined();
}

Napi::Value Floor(const Napi::CallbackInfo& info) {
  ArgReader r(info);
  const Target t = readTarget(r, false);
  FloorArgs a{};
  a.p = t.p.data;
  a.m = state(r, t, "m");
  a.v = state(r, t, "v");
  a.zero = 0.0f;
  requireDisjoint(r.env(), t, {a.m, a.v});
  launch(r.env(), t, a, activeKernels().floor, [](const FloorArgs&, const SparseGrad&) {});
  return info.Env().Undefined();
}

}  // namespace

void registerOptimizerBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("sgd", Napi::Function::New(env, Sgd<false>, "sgd"));
  exports.Set("sgdSparse", Napi::Function::New(env, Sgd<true>, "sgdSparse"));
  exports.Set("adagrad", Napi::Function::New(env, Adagrad<false>, "adagrad"));
  exports.Set("adagradSparse", Napi::Function::New(env, Adagrad<true>, "adagradSparse"));
  exports.Set("adadelta", Napi::Function::New(env, Adadelta, "adadelta"));
  exports.Set("rmsprop", Napi::Function::New(env, Rmsprop<false>, "rmsprop"));
  exports.Set("rmspropSparse", Napi::Function::New(env, Rmsprop<true>, "rmspropSparse"));
  exports.Set("adam", Napi::Function::New(env, Adam<false>, "adam"));
  exports.Set("adamSparse", Napi::Function::New(env, Adam<true>, "adamSparse"));
  exports.Set("adamax", Napi::Function::New(env, Adamax, "adamax"));
  exports.Set("nadam", Napi::Function::New(env, Nadam, "nadam"));
  exports.Set("memoryFloor", Napi::Function::New(env, Floor, "memoryFloor"));
}

}  // namespace descent
