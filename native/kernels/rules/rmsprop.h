// RMSprop: plain or centered, with or without a momentum buffer, any eps placement (params.h).
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct RmspropRule {
  V sign, wd, alpha, oneMinusAlpha, epsIn, epsOut, mom, c1, negC3;
  explicit RmspropRule(const RmspropArgs& a)
      : sign(V::set1(a.sign)), wd(V::set1(a.wd)), alpha(V::set1(a.alpha)),
        oneMinusAlpha(V::set1(a.oneMinusAlpha)), epsIn(V::set1(a.epsIn)), epsOut(V::set1(a.epsOut)),
        mom(V::set1(a.mom)), c1(V::set1(a.c1)), negC3(V::set1(-a.c3)) {}

  inline V gradient(V p, V g) const { return mul_add(wd, p, sign * g); }
  inline V denominator(V inner) const { return vsqrt(inner + epsIn) + epsOut; }
  inline V square(V sq, V d) const { return mul_add(alpha, sq, oneMinusAlpha * (d * d)); }

  // Without a momentum buffer: p -= c3 * d / den.
  inline void plain(V& p, V g, V& sq) const {
    const V d = gradient(p, g);
    sq = square(sq, d);
    p = mul_add(negC3, d / denominator(sq), p);
  }
  inline void centered(V& p, V g, V& sq, V& ga) const {
    const V d = gradient(p, g);
    sq = square(sq, d);
    ga = mul_add(alpha, ga, oneMinusAlpha * d);
    p = mul_add(negC3, d / denominator(sq - ga * ga), p);
  }
  inline void withBuffer(V& p, V g, V& sq, V& b) const {
    const V d = gradient(p, g);
    sq = square(sq, d);
    b = mul_add(mom, b, c1 * (d / denominator(sq)));
    p = mul_add(negC3, b, p);
  }
  inline void centeredWithBuffer(V& p, V g, V& sq, V& ga, V& b) const {
    const V d = gradient(p, g);
    sq = square(sq, d);
    ga = mul_add(alpha, ga, oneMinusAlpha * d);
    b = mul_add(mom, b, c1 * (d / denominator(sq - ga * ga)));
    p = mul_add(negC3, b, p);
  }
};

}  // namespace
}  // namespace descent
