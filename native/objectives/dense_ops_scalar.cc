// Portable dense ops: one double lane, baseline ISA. Always compiled; the fallback everywhere.
#include <cstddef>

namespace descent {
namespace {

struct DScalar {
  static constexpr int W = 1;
  double x;
  static inline DScalar zero() { return {0.0}; }
  static inline DScalar set1(double s) { return {s}; }
  static inline DScalar loadFloats(const float* p) { return {static_cast<double>(*p)}; }
  static inline DScalar load(const double* p) { return {*p}; }
  inline void store(double* p) const { *p = x; }
  inline double sum() const { return x; }
};
// Unfused like the scalar optimizer path: the baseline target may have no FMA instruction.
inline DScalar mul_add(DScalar a, DScalar b, DScalar c) { return {a.x * b.x + c.x}; }

}  // namespace
}  // namespace descent

#define DESCENT_DLANES DScalar
#define DESCENT_DENSE_ISA_NAME "scalar"
#include "dense_ops.inl"

namespace descent {
const DenseOps* denseOpsScalar() { return &kDenseOps; }
}  // namespace descent
