// Per-row losses of the linear objectives and their derivatives with respect to the row's scores.
// Each takes the scores in s[0..K) and overwrites them with dℓ/ds_k, so the caller can scatter the
// gradient without a second buffer. Formulas: see linear.h.
#pragma once
#include <cmath>
#include <cstddef>

#include "linear.h"

namespace descent {

// Binary losses read any positive label as the positive class: that covers ±1 and 0/1 alike.
inline double binarySign(double y) { return y > 0 ? 1.0 : -1.0; }

inline double squaredRow(double* s, double y) {
  const double r = s[0] - y;
  s[0] = r;
  return 0.5 * r * r;
}

// log(1 + exp(z)) with z = −t·m, split by sign so exp never overflows and small losses keep their
// digits (log1p); the derivative −t·σ(z) is split the same way.
inline double logisticRow(double* s, double y) {
  const double t = binarySign(y);
  const double z = -t * s[0];
  const double e = std::exp(-std::fabs(z));  // in (0, 1]
  const double loss = (z > 0 ? z : 0.0) + std::log1p(e);
  const double sigma = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  s[0] = -t * sigma;
  return loss;
}

// The subgradient at the kink (t·m = 1) is 0, the choice of most SVM solvers.
inline double hingeRow(double* s, double y) {
  const double t = binarySign(y);
  const double slack = 1.0 - t * s[0];
  s[0] = slack > 0 ? -t : 0.0;
  return slack > 0 ? slack : 0.0;
}

// log-sum-exp shifted by the largest score, so every exp is ≤ 1 and the sum is ≥ 1.
inline double softmaxRow(double* s, size_t K, size_t label) {
  double top = s[0];
  for (size_t k = 1; k < K; ++k) top = s[k] > top ? s[k] : top;
  double total = 0.0;
  for (size_t k = 0; k < K; ++k) total += std::exp(s[k] - top);
  const double loss = top + std::log(total) - s[label];
  for (size_t k = 0; k < K; ++k) s[k] = std::exp(s[k] - top) / total - (k == label ? 1.0 : 0.0);
  return loss;
}

// dℓ/dm of a binary or squared row into s[0], without the loss itself (the training loops need only
// this): the same arithmetic as the *Row functions above, so the same bits, minus the log1p.
inline void rowDerivative(const LinearObjective& o, double* s, double y) {
  switch (o.loss) {
    case LinearLoss::Squared: s[0] = s[0] - y; return;
    case LinearLoss::Logistic: {
      const double t = binarySign(y);
      const double z = -t * s[0];
      const double e = std::exp(-std::fabs(z));
      s[0] = -t * (z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
      return;
    }
    case LinearLoss::Hinge: {
      const double t = binarySign(y);
      s[0] = 1.0 - t * s[0] > 0 ? -t : 0.0;
      return;
    }
    case LinearLoss::Softmax: break;  // several scores: use rowLoss
  }
}

inline double rowLoss(const LinearObjective& o, double* s, double y) {
  switch (o.loss) {
    case LinearLoss::Squared: return squaredRow(s, y);
    case LinearLoss::Logistic: return logisticRow(s, y);
    case LinearLoss::Hinge: return hingeRow(s, y);
    case LinearLoss::Softmax: return softmaxRow(s, o.classes, static_cast<size_t>(y));
  }
  return 0.0;
}

}  // namespace descent
