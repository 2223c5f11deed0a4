// How each kernel's arguments are read, written once for every source of arguments: the JS binding
// (arrays and numbers from a call) and native loops (state pointers and a row of per-step scalars
// computed by the host). The order here is the order of the TS KernelCall's state and scalars.
// A Source provides: float* state(name), float* optionalState(name), float num(name), bool flag(name).
#pragma once
#include "params.h"

namespace descent {

enum class KernelKind { Sgd, Adagrad, Adadelta, Rmsprop, Adam, Adamax, Nadam };

template <class Src>
void readArgs(Src& s, SgdArgs& a) {
  a.buf = s.optionalState("momentumBuffer");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.decay = s.num("decay");
  a.c1 = s.num("c1");
  a.c2 = s.num("c2");
  a.nmom = s.num("nesterovMomentum");
  a.c3 = s.num("c3");
  a.nesterov = s.flag("nesterov");
}

template <class Src>
void readArgs(Src& s, AdagradArgs& a) {
  a.sum = s.state("sum");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.clr = s.num("clr");
  a.epsIn = s.num("epsInside");
  a.epsOut = s.num("epsOutside");
}

template <class Src>
void readArgs(Src& s, AdadeltaArgs& a) {
  a.sq = s.state("squareAvg");
  a.acc = s.state("accDelta");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.rho = s.num("rho");
  a.oneMinusRho = s.num("oneMinusRho");
  a.eps = s.num("eps");
  a.lr = s.num("lr");
  a.useOld = s.flag("useOldSquareAvg");
}

template <class Src>
void readArgs(Src& s, RmspropArgs& a) {
  a.sq = s.state("squareAvg");
  a.gavg = s.optionalState("gradAvg");
  a.buf = s.optionalState("momentumBuffer");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.alpha = s.num("alpha");
  a.oneMinusAlpha = s.num("oneMinusAlpha");
  a.epsIn = s.num("epsInside");
  a.epsOut = s.num("epsOutside");
  a.mom = s.num("momentum");
  a.c1 = s.num("c1");
  a.c3 = s.num("c3");
}

template <class Src>
void readArgs(Src& s, AdamArgs& a) {
  a.m = s.state("expAvg");
  a.v = s.state("expAvgSq");
  a.vmax = s.optionalState("maxExpAvgSq");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.decayMul = s.num("decayMul");
  a.b1 = s.num("beta1");
  a.oneMinusB1 = s.num("oneMinusBeta1");
  a.b2 = s.num("beta2");
  a.oneMinusB2 = s.num("oneMinusBeta2");
  a.invSqrtBc2 = s.num("invSqrtBc2");
  a.eps = s.num("eps");
  a.stepSize = s.num("stepSize");
}

template <class Src>
void readArgs(Src& s, AdamaxArgs& a) {
  a.m = s.state("expAvg");
  a.u = s.state("expInf");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.b1 = s.num("beta1");
  a.oneMinusB1 = s.num("oneMinusBeta1");
  a.b2 = s.num("beta2");
  a.epsA = s.num("epsInMax");
  a.epsB = s.num("epsInDenominator");
  a.clr = s.num("clr");
}

template <class Src>
void readArgs(Src& s, NadamArgs& a) {
  a.m = s.state("expAvg");
  a.v = s.state("expAvgSq");
  a.sign = s.num("sign");
  a.wd = s.num("weightDecay");
  a.b1 = s.num("beta1");
  a.oneMinusB1 = s.num("oneMinusBeta1");
  a.b2 = s.num("beta2");
  a.oneMinusB2 = s.num("oneMinusBeta2");
  a.invSqrtBc2 = s.num("invSqrtBc2");
  a.eps = s.num("eps");
  a.cg = s.num("gradCoef");
  a.cm = s.num("momentumCoef");
}

template <class Src>
void readArgs(Src& s, AdaptiveRevisionArgs& a) {
  a.gBck = s.state("gradSumAtRead");
  a.gSum = s.state("gradSum");
  a.z = s.state("z");
  a.zMax = s.state("zMax");
  a.alpha = s.num("alpha");
}

template <class Src>
void readArgs(Src& s, FloorArgs& a) {
  a.m = s.state("m");
  a.v = s.state("v");
  a.zero = 0.0f;
}

// Number of state slots and scalars each kind reads (for checking a plan once, up front).
struct KernelShape {
  unsigned states;
  unsigned scalars;
};
KernelShape kernelShape(KernelKind kind);
// "sgd", "adam", ... -> kind; false if unknown.
bool kernelKindFromName(const char* name, KernelKind& out);

}  // namespace descent
