// Adam, AdamW (decoupled decay via decayMul), AMSGrad and keras's epsilon-hat form (params.h).
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct AdamRule {
  V sign, wd, decayMul, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, negStep;
  explicit AdamRule(const AdamArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), decayMul(V::set1(a.decayMul)), b1(V::set1(a.b1)),
        oneMinusB1(V::set1(a.oneMinusB1)), b2(V::set1(a.b2)), oneMinusB2(V::set1(a.oneMinusB2)),
        invSqrtBc2(V::set1(a.invSqrtBc2)), eps(V::set1(a.eps)), negStep(V::set1(-a.stepSize)) {}

  inline void moments(V& p, V g, V& m, V& v) const {
    const V d = mul_add(wd, p, sign * g);
    p = p * decayMul;
    m = mul_add(b1, m, oneMinusB1 * d);
    v = mul_add(b2, v, oneMinusB2 * (d * d));
  }
  inline void apply(V& p, V m, V vUsed) const {
    p = mul_add(negStep, m / mul_add(vsqrt(vUsed), invSqrtBc2, eps), p);
  }
  inline void operator()(V& p, V g, V& m, V& v) const {
    moments(p, g, m, v);
    apply(p, m, v);
  }
  inline void amsgrad(V& p, V g, V& m, V& v, V& vhat) const {
    moments(p, g, m, v);
    vhat = vmax(vhat, v);  // second operand keeps a NaN visible
    apply(p, m, vhat);
  }
};

}  // namespace
}  // namespace descent
