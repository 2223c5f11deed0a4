// Adadelta (Zeiler 2012) with PyTorch's lr, and tfjs's variant that divides by the old accumulator.
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct AdadeltaRule {
  V sign, wd, rho, oneMinusRho, eps, negLr;
  bool useOld;
  explicit AdadeltaRule(const AdadeltaArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), rho(V::set1(a.rho)),
        oneMinusRho(V::set1(a.oneMinusRho)), eps(V::set1(a.eps)), negLr(V::set1(-a.lr)),
        useOld(a.useOld) {}

  inline void operator()(V& p, V g, V& sq, V& acc) const {
    const V d = mul_add(wd, p, sign * g);
    const V sqNew = mul_add(rho, sq, oneMinusRho * (d * d));
    const V std = vsqrt((useOld ? sq : sqNew) + eps);
    const V delta = vsqrt(acc + eps) / std * d;
    acc = mul_add(rho, acc, oneMinusRho * (delta * delta));
    sq = sqNew;
    p = mul_add(negLr, delta, p);
  }
};

}  // namespace
}  // namespace descent
