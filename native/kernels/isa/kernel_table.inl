// Instantiates every rule for one vector type. Included by exactly one file per ISA, which defines
// DESCENT_V (the vector type) first and wraps this include in its target switch. Everything here has
// internal linkage; the file that includes it exports the table.
#include "../kernels.h"
#include "stream.h"
#include "../rules/sgd.h"
#include "../rules/adagrad.h"
#include "../rules/adadelta.h"
#include "../rules/rmsprop.h"
#include "../rules/adam.h"
#include "../rules/adamax.h"
#include "../rules/nadam.h"
#include "../rules/adaptive_revision.h"

namespace descent {
namespace {

using V = DESCENT_V;

// A rule built for both the ISA's vector and the one-lane type; a generic body picks by lane type.
template <template <class> class R>
struct Rules {
  R<V> v;
  R<VScalar> s;
  template <class A>
  explicit Rules(const A& a) : v(a), s(a) {}
  const R<V>& get(const V*) const { return v; }
  template <class W = VScalar, class = typename std::enable_if<!std::is_same<W, V>::value>::type>
  const R<VScalar>& get(const VScalar*) const { return s; }
};
#define DESCENT_RULE(rules, x) (rules).get(&(x)[0])

inline float* mut(const float* ptr) { return const_cast<float*>(ptr); }

void sgd(const SgdArgs& a, size_t b, size_t e) {
  const SgdRule<V> r(a);
  if (a.buf) {
    float* arr[3] = {a.p + b, mut(a.g) + b, a.buf + b};
    stream<V, 0b101>(arr, e - b, [&](V(&x)[3]) { r.withBuffer(x[0], x[1], x[2]); });
  } else {
    float* arr[2] = {a.p + b, mut(a.g) + b};
    stream<V, 0b01>(arr, e - b, [&](V(&x)[2]) { r.plain(x[0], x[1]); });
  }
}

void adagrad(const AdagradArgs& a, size_t b, size_t e) {
  const AdagradRule<V> r(a);
  float* arr[3] = {a.p + b, mut(a.g) + b, a.sum + b};
  stream<V, 0b101>(arr, e - b, [&](V(&x)[3]) { r(x[0], x[1], x[2]); });
}

void adadelta(const AdadeltaArgs& a, size_t b, size_t e) {
  const AdadeltaRule<V> r(a);
  float* arr[4] = {a.p + b, mut(a.g) + b, a.sq + b, a.acc + b};
  stream<V, 0b1101>(arr, e - b, [&](V(&x)[4]) { r(x[0], x[1], x[2], x[3]); });
}

void rmsprop(const RmspropArgs& a, size_t b, size_t e) {
  const RmspropRule<V> r(a);
  const size_t n = e - b;
  if (a.gavg && a.buf) {
    float* arr[5] = {a.p + b, mut(a.g) + b, a.sq + b, a.gavg + b, a.buf + b};
    stream<V, 0b11101>(arr, n, [&](V(&x)[5]) { r.centeredWithBuffer(x[0], x[1], x[2], x[3], x[4]); });
  } else if (a.gavg) {
    float* arr[4] = {a.p + b, mut(a.g) + b, a.sq + b, a.gavg + b};
    stream<V, 0b1101>(arr, n, [&](V(&x)[4]) { r.centered(x[0], x[1], x[2], x[3]); });
  } else if (a.buf) {
    float* arr[4] = {a.p + b, mut(a.g) + b, a.sq + b, a.buf + b};
    stream<V, 0b1101>(arr, n, [&](V(&x)[4]) { r.withBuffer(x[0], x[1], x[2], x[3]); });
  } else {
    float* arr[3] = {a.p + b, mut(a.g) + b, a.sq + b};
    stream<V, 0b101>(arr, n, [&](V(&x)[3]) { r.plain(x[0], x[1], x[2]); });
  }
}

void adam(const AdamArgs& a, size_t b, size_t e) {
  const AdamRule<V> r(a);
  if (a.vmax) {
    float* arr[5] = {a.p + b, mut(a.g) + b, a.m + b, a.v + b, a.vmax + b};
    stream<V, 0b11101>(arr, e - b, [&](V(&x)[5]) { r.amsgrad(x[0], x[1], x[2], x[3], x[4]); });
  } else {
    float* arr[4] = {a.p + b, mut(a.g) + b, a.m + b, a.v + b};
    stream<V, 0b1101>(arr, e - b, [&](V(&x)[4]) { r(x[0], x[1], x[2], x[3]); });
  }
}

void adamax(const AdamaxArgs& a, size_t b, size_t e) {
  const AdamaxRule<V> r(a);
  float* arr[4] = {a.p + b, mut(a.g) + b, a.m + b, a.u + b};
  stream<V, 0b1101>(arr, e - b, [&](V(&x)[4]) { r(x[0], x[1], x[2], x[3]); });
}

void nadam(const NadamArgs& a, size_t b, size_t e) {
  const NadamRule<V> r(a);
  float* arr[4] = {a.p + b, mut(a.g) + b, a.m + b, a.v + b};
  stream<V, 0b1101>(arr, e - b, [&](V(&x)[4]) { r(x[0], x[1], x[2], x[3]); });
}

void adaptiveRevision(const AdaptiveRevisionArgs& a, size_t b, size_t e) {
  const AdaptiveRevisionRule<V> r(a);
  float* arr[6] = {a.p + b, mut(a.g) + b, mut(a.gBck) + b, a.gSum + b, a.z + b, a.zMax + b};
  stream<V, 0b111001>(arr, e - b, [&](V(&x)[6]) { r(x[0], x[1], x[2], x[3], x[4], x[5]); });
}

void floorPass(const FloorArgs& a, size_t b, size_t e) {
  const V zero = V::set1(a.zero);
  float* arr[4] = {a.p + b, mut(a.g) + b, a.m + b, a.v + b};
  stream<V, 0b1101>(arr, e - b, [&](V(&x)[4]) {
    const V t = x[1] * zero;
    x[0] = x[0] + t;
    x[2] = x[2] + t;
    x[3] = x[3] + t;
  });
}

void sgdSparse(const SgdArgs& a, const SparseGrad& sg) {
  const Rules<SgdRule> rs(a);
  if (a.buf) {
    float* arr[3] = {a.p, nullptr, a.buf};
    stream_sparse<V, 0b101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x).withBuffer(x[0], x[1], x[2]); });
  } else {
    float* arr[2] = {a.p, nullptr};
    stream_sparse<V, 0b01, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x).plain(x[0], x[1]); });
  }
}

void adagradSparse(const AdagradArgs& a, const SparseGrad& sg) {
  const Rules<AdagradRule> rs(a);
  float* arr[3] = {a.p, nullptr, a.sum};
  stream_sparse<V, 0b101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x)(x[0], x[1], x[2]); });
}

void rmspropSparse(const RmspropArgs& a, const SparseGrad& sg) {
  const Rules<RmspropRule> rs(a);
  if (a.gavg && a.buf) {
    float* arr[5] = {a.p, nullptr, a.sq, a.gavg, a.buf};
    stream_sparse<V, 0b11101, 1>(arr, sg, [&](auto& x) {
      DESCENT_RULE(rs, x).centeredWithBuffer(x[0], x[1], x[2], x[3], x[4]);
    });
  } else if (a.gavg) {
    float* arr[4] = {a.p, nullptr, a.sq, a.gavg};
    stream_sparse<V, 0b1101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x).centered(x[0], x[1], x[2], x[3]); });
  } else if (a.buf) {
    float* arr[4] = {a.p, nullptr, a.sq, a.buf};
    stream_sparse<V, 0b1101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x).withBuffer(x[0], x[1], x[2], x[3]); });
  } else {
    float* arr[3] = {a.p, nullptr, a.sq};
    stream_sparse<V, 0b101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x).plain(x[0], x[1], x[2]); });
  }
}

void adamSparse(const AdamArgs& a, const SparseGrad& sg) {
  const Rules<AdamRule> rs(a);
  if (a.vmax) {
    float* arr[5] = {a.p, nullptr, a.m, a.v, a.vmax};
    stream_sparse<V, 0b11101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x).amsgrad(x[0], x[1], x[2], x[3], x[4]); });
  } else {
    float* arr[4] = {a.p, nullptr, a.m, a.v};
    stream_sparse<V, 0b1101, 1>(arr, sg, [&](auto& x) { DESCENT_RULE(rs, x)(x[0], x[1], x[2], x[3]); });
  }
}

const KernelTable kTable = {
    DESCENT_ISA_NAME, sgd,       adagrad,       adadelta,      rmsprop,   adam,
    adamax,           nadam,     floorPass,     sgdSparse,     adagradSparse, rmspropSparse,
    adamSparse,       adaptiveRevision,
};

#undef DESCENT_RULE

}  // namespace
}  // namespace descent
