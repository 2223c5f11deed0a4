// NAdam (Dozat 2016) in PyTorch's momentum-decay form; keras and the paper differ only in cg, cm.
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct NadamRule {
  V sign, wd, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, negCg, negCm;
  explicit NadamRule(const NadamArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), b1(V::set1(a.b1)), oneMinusB1(V::set1(a.oneMinusB1)),
        b2(V::set1(a.b2)), oneMinusB2(V::set1(a.oneMinusB2)), invSqrtBc2(V::set1(a.invSqrtBc2)),
        eps(V::set1(a.eps)), negCg(V::set1(-a.cg)), negCm(V::set1(-a.cm)) {}

  inline void operator()(V& p, V g, V& m, V& v) const {
    const V d = mul_add(wd, p, sign * g);
    m = mul_add(b1, m, oneMinusB1 * d);
    v = mul_add(b2, v, oneMinusB2 * (d * d));
    const V den = mul_add(vsqrt(v), invSqrtBc2, eps);
    p = mul_add(negCg, d / den, p);
    p = mul_add(negCm, m / den, p);
  }
};

}  // namespace
}  // namespace descent
