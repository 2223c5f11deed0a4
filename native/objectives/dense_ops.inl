// dot and axpy for one lane type. Included by exactly one file per ISA, which defines
// DESCENT_DLANES (a double-lane type with W, zero, loadFloats, load, store, fma, sum) first and wraps
// the include in its target switch. Everything here has internal linkage.
#include "dense_ops.h"

namespace descent {
namespace {

using D = DESCENT_DLANES;

// Four independent accumulators hide the FMA latency; the tail runs one element at a time.
double denseDot(const float* x, const float* w, size_t n) {
  D a0 = D::zero(), a1 = D::zero(), a2 = D::zero(), a3 = D::zero();
  size_t i = 0;
  for (; i + 4 * D::W <= n; i += 4 * D::W) {
    a0 = mul_add(D::loadFloats(x + i), D::loadFloats(w + i), a0);
    a1 = mul_add(D::loadFloats(x + i + D::W), D::loadFloats(w + i + D::W), a1);
    a2 = mul_add(D::loadFloats(x + i + 2 * D::W), D::loadFloats(w + i + 2 * D::W), a2);
    a3 = mul_add(D::loadFloats(x + i + 3 * D::W), D::loadFloats(w + i + 3 * D::W), a3);
  }
  for (; i + D::W <= n; i += D::W) a0 = mul_add(D::loadFloats(x + i), D::loadFloats(w + i), a0);
  double s = (a0.sum() + a1.sum()) + (a2.sum() + a3.sum());
  for (; i < n; ++i) s += static_cast<double>(x[i]) * static_cast<double>(w[i]);
  return s;
}

void denseAxpy(double a, const float* x, double* acc, size_t n) {
  const D av = D::set1(a);
  size_t i = 0;
  for (; i + D::W <= n; i += D::W) mul_add(av, D::loadFloats(x + i), D::load(acc + i)).store(acc + i);
  for (; i < n; ++i) acc[i] += a * static_cast<double>(x[i]);
}

const DenseOps kDenseOps{DESCENT_DENSE_ISA_NAME, denseDot, denseAxpy};

}  // namespace
}  // namespace descent
