// Adagrad with lr decay (folded into clr by the host), weight decay, maximize and both eps placements.
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct AdagradRule {
  V sign, wd, negClr, epsIn, epsOut;
  explicit AdagradRule(const AdagradArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), negClr(V::set1(-a.clr)), epsIn(V::set1(a.epsIn)),
        epsOut(V::set1(a.epsOut)) {}

  inline void operator()(V& p, V g, V& s) const {
    const V d = mul_add(wd, p, sign * g);
    s = mul_add(d, d, s);
    const V den = vsqrt(s + epsIn) + epsOut;
    p = mul_add(negClr, d / den, p);
  }
};

}  // namespace
}  // namespace descent
