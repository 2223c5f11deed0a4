// Hogwild! for sparse linear models (logistic, hinge = linear SVM, squared) on CSR rows.
//
// Parameters w: cols weights, then one bias when `bias` is on (the bias is touched by every example,
// so it is the one fully contended coordinate; the paper's models have none, hence off by default
// in the TS layer). Per example r with nonzeros (j, v_j), margin m = Σ v_j w_j (+ b), derivative
// d = ∂ℓ/∂m (losses.h), and for each nonzero j, as in the paper's RCV1 experiment:
//   w_j ← w_j − γ (d v_j + μ w_j / d_j)        d_j = number of training rows that contain feature j
// i.e. x_j ← x_j (1 − γμ/d_j) − γ d v_j: the L2 term μ/2‖w‖² spread over the examples by degree, so
// that one pass applies it once in total. The objective this minimises, reported per example, is
//   (1/n) Σ_r ℓ(m_r, y_r) + μ/(2n) Σ_{j: d_j > 0} w_j²
// (features no row contains are never touched, so they are left out of the penalty).
// With rule adagrad the same g = d v_j + μ w_j / d_j feeds a per-coordinate accumulator.
//
// The L2 term is applied only to the row's own features (O(nnz) per row, no dense shrink), so the
// scaled-vector trick of dense-L2 SGD (w = s·v, shrinking s in O(1)) has nothing to save here: the
// shrink factor differs per feature and is already folded into the one store per nonzero.
//
// Memory access: with several writers, w (and the AdaGrad accumulators) are read and written through
// relaxed atomics (hogwild_shared.h). When the loop's thread is w's only writer ('sequential',
// 'hogwild' on one thread, each thread's copy in 'private') the same loop runs on plain memory
// (PlainAccess): identical arithmetic, so identical bits; 'locked' keeps the atomic loop on one thread.
// The margin is summed in double in four partial sums (nonzero q of the row into sum q mod 4, then
// (s0 + s1) + (s2 + s3) + bias) so that the adds overlap; a fixed order, so 'sequential' stays
// bit-reproducible. Before this the sum ran in one chain: the margin's last double bits differ, and
// in rare rows that moves d = float(dℓ/dm) by one float ulp (none did in our checks).
//
// Two options cut the cache-line traffic between threads (plain SGD, several threads; off in
// 'sequential', which stays bit-for-bit the plain loop). Both only change when another thread sees
// an update, never the update itself:
// - lazyL2: a row whose loss derivative is 0 (a hinge row outside the margin) only shrinks its
//   weights, w_j ← w_j (1 − γμ/d_j). Instead of writing every one of them to shared memory, each
//   thread multiplies a private factor f_j (double) and reads w_j·f_j; the factor is folded into
//   w_j at the thread's next real update of j (write w_j·f_j·(1 − γμ/d_j) − γ d v_j, f_j = 1) and
//   at the end of the epoch. Staleness: another thread misses this thread's pending shrinks of j
//   until then. Side effect: the shrink of popular features (γμ/d_j below float32's half-ulp) is
//   no longer rounded away as it is when applied one row at a time.
// - hotFeatures H, flushEvery k: the H features in the most training rows live in a per-thread
//   buffer (w_j copied in at the start and after every flush); the thread's updates of them stay
//   private, and every k examples it adds its change (buffer − value copied in) to the shared w_j
//   and reloads. Staleness: up to k examples of each thread's updates to those H features.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "../objectives/linear.h"
#include "hogwild.h"
#include "hogwild_shared.h"

namespace descent {

struct SparseLinearProblem {
  LinearObjective objective;  // loss and bias; objective.l2 is unused (see l2 below)
  Features X;                 // CSR
  const float* y = nullptr;   // one label per row: ±1 or 0/1 for the binary losses, any value for squared
  float* w = nullptr;         // cols (+1 with bias) shared floats
  const float* inverseDegree = nullptr;  // cols: 1/d_j, 0 where d_j = 0; null when l2 = 0 and H = 0
  double l2 = 0.0;                       // μ
  SharedStep step;
  bool lazyL2 = false;       // see above; plain SGD only
  uint32_t hotFeatures = 0;  // H (0: off); plain SGD only
  size_t flushEvery = 4096;  // k
};

struct LinearEvaluation {
  double lossSum = 0.0;    // Σ ℓ over the rows
  double metricSum = 0.0;  // correct predictions (binary losses) or Σ residual² (squared)
  size_t rows = 0;
  LinearEvaluation& operator+=(const LinearEvaluation& o) {
    lossSum += o.lossSum;
    metricSum += o.metricSum;
    rows += o.rows;
    return *this;
  }
};

// 1/d_j for every feature of X into out[0, cols); checks every row's structure and column index on
// the way. Returns an error message naming the bad value, or "".
std::string inverseFeatureDegrees(const Features& X, float* out);

// The same checks without the degrees (the first bad value in row order, the same message), for a
// job that never reads them: plain SGD with no L2 and no hot-feature buffer. O(nnz) compares that
// vectorise, no writes.
std::string checkFeatureIndices(const Features& X);

// Whether the epochs read the degrees: the L2 shrink (μ > 0) or the hot-feature ranking.
bool linearNeedsDegrees(const SparseLinearProblem& p);

// One epoch of updates over order[0, n). Mode 'private': each thread trains its own copy of w (and
// of the accumulators), started from w; w becomes their mean at the end of the epoch.
HogwildOutcome trainLinearEpoch(const SparseLinearProblem& p, const uint32_t* order, size_t n,
                                const HogwildSchedule& schedule);

// Loss and metric sums of the current w over every row of X (labels y), on T threads. The data
// loss only: add regularisation(p) for the objective. Returns "" or an error naming a bad value;
// `name` prefixes it ("data.X", "validation.X").
std::string evaluateLinear(const SparseLinearProblem& p, const Features& X, const float* y, unsigned T,
                           const std::string& name, LinearEvaluation& out);

// Σ_{j: d_j > 0} μ/2 · w_j²: the penalty of the whole training set (divide by n for the mean).
double linearRegularisation(const SparseLinearProblem& p);

}  // namespace descent
