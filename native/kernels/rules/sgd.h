// SGD with momentum, dampening, Nesterov, weight decay and maximize (formula in params.h).
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct SgdRule {
  V sign, wd, decay, c1, c2, nmom, negC3;
  bool nesterov;
  explicit SgdRule(const SgdArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), decay(V::set1(a.decay)), c1(V::set1(a.c1)),
        c2(V::set1(a.c2)), nmom(V::set1(a.nmom)), negC3(V::set1(-a.c3)), nesterov(a.nesterov) {}

  inline void withBuffer(V& p, V g, V& b) const {
    const V d = mul_add(wd, p, sign * g);
    b = mul_add(decay, b, c1 * d);
    const V s = nesterov ? mul_add(c2, d, nmom * b) : b;
    p = mul_add(negC3, s, p);
  }
  inline void plain(V& p, V g) const {
    const V d = mul_add(wd, p, sign * g);
    p = mul_add(negC3, d, p);
  }
};

}  // namespace
}  // namespace descent
