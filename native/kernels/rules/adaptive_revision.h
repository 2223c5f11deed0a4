// AdaptiveRevision (delay-tolerant AdaGrad, McMahan & Streeter 2014): the formula is in params.h.
// The revision term (etaOld - eta)*fwd retroactively shrinks the steps other workers applied since
// this gradient's parameters were read, so a stale gradient cannot ride on a too-large rate.
#pragma once
#include "../params.h"

namespace descent {
namespace {

template <class V>
struct AdaptiveRevisionRule {
  V alpha, two;
  explicit AdaptiveRevisionRule(const AdaptiveRevisionArgs& a) : alpha(V::set1(a.alpha)), two(V::set1(2.0f)) {}

  inline void operator()(V& p, V g, V gBck, V& gSum, V& z, V& zMax) const {
    const V fwd = gSum - gBck;
    gSum = gSum + g;
    const V etaOld = alpha / vsqrt(zMax);
    z = mul_add(g, mul_add(two, fwd, g), z);  // z + g*(g + 2*fwd) = z + g² + 2·g·fwd
    zMax = vmax(zMax, z);
    const V eta = alpha / vsqrt(zMax);
    p = mul_add(etaOld - eta, fwd, p - eta * g);
  }
};

}  // namespace
}  // namespace descent
