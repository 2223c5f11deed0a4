// AdaMax (Kingma & Ba 2015, §7.1) with torch's (epsA) or tfjs/keras's (epsB) eps placement.
#pragma once
#include <cfloat>
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct AdamaxRule {
  V sign, wd, b1, oneMinusB1, b2, epsA, epsB, negClr, tiny;
  explicit AdamaxRule(const AdamaxArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), b1(V::set1(a.b1)), oneMinusB1(V::set1(a.oneMinusB1)),
        b2(V::set1(a.b2)), epsA(V::set1(a.epsA)), epsB(V::set1(a.epsB)), negClr(V::set1(-a.clr)),
        tiny(V::set1(FLT_MIN)) {}

  inline void operator()(V& p, V g, V& m, V& u) const {
    const V d = mul_add(wd, p, sign * g);
    m = mul_add(b1, m, oneMinusB1 * d);
    u = vmax(b2 * u, vabs(d) + epsA);  // second operand keeps a NaN gradient visible
    p = mul_add(negClr, m / vmax(tiny, u + epsB), p);
  }
};

}  // namespace
}  // namespace descent
