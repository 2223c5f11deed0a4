#include "linear.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "dense_ops.h"
#include "losses.h"

namespace descent {

namespace {

// Per-thread buffers reused across calls, so a mini-batch never allocates once warmed up.
// Invariant between calls: grad[0 .. size) is all zeros.
struct Scratch {
  std::vector<double> grad;     // the batch's gradient sum, in double, parameter layout
  std::vector<double> scores;   // K scores of the current row, then its derivatives
  std::vector<uint32_t> stamp;  // CSR: the generation that last touched column j
  std::vector<uint32_t> touched;
  uint32_t generation = 0;
};
thread_local Scratch scratch;

size_t outputsOf(const LinearObjective& o) { return o.loss == LinearLoss::Softmax ? o.classes : 1; }

// A call's view of the problem: the objective, the data and the SIMD table chosen once per call.
struct Model {
  const LinearObjective& o;
  const Features& X;
  const float* w;
  const DenseOps& ops;
  size_t K;
  Model(const LinearObjective& obj, const Features& x, const float* weights)
      : o(obj), X(x), w(weights), ops(activeDenseOps()), K(outputsOf(obj)) {}
  double biasOf(size_t k) const { return o.bias ? static_cast<double>(w[K * X.cols + k]) : 0.0; }
};

// s_k = x_r·W_k + b_k for every output k.
void rowScores(const Model& m, size_t r, double* s) {
  const size_t cols = m.X.cols;
  if (!m.X.sparse()) {
    const float* x = m.X.data + r * cols;
    for (size_t k = 0; k < m.K; ++k) s[k] = m.ops.dot(x, m.w + k * cols, cols) + m.biasOf(k);
    return;
  }
  const int32_t begin = m.X.indptr[r], end = m.X.indptr[r + 1];
  for (size_t k = 0; k < m.K; ++k) {
    const float* wk = m.w + k * cols;
    double sum = 0.0;
    for (int32_t p = begin; p < end; ++p)
      sum += static_cast<double>(m.X.values[p]) * static_cast<double>(wk[m.X.indices[p]]);
    s[k] = sum + m.biasOf(k);
  }
}

// g += d_k·x_r for every output k (and d_k into the biases); CSR rows also record their columns.
void rowGradient(const Model& m, size_t r, const double* d, double* g) {
  const size_t cols = m.X.cols;
  if (m.o.bias)
    for (size_t k = 0; k < m.K; ++k) g[m.K * cols + k] += d[k];
  if (!m.X.sparse()) {
    const float* x = m.X.data + r * cols;
    for (size_t k = 0; k < m.K; ++k)
      if (d[k] != 0.0) m.ops.axpy(d[k], x, g + k * cols, cols);
    return;
  }
  for (int32_t p = m.X.indptr[r]; p < m.X.indptr[r + 1]; ++p) {
    const uint32_t j = static_cast<uint32_t>(m.X.indices[p]);
    if (scratch.stamp[j] != scratch.generation) {
      scratch.stamp[j] = scratch.generation;
      scratch.touched.push_back(j);
    }
    const double v = m.X.values[p];
    for (size_t k = 0; k < m.K; ++k) g[k * cols + j] += d[k] * v;
  }
}

// Makes the scratch ready for a call with P parameters (and, for CSR, a fresh touched set).
void prepareScratch(const Model& m, size_t P) {
  if (scratch.grad.size() < P) scratch.grad.resize(P, 0.0);
  if (scratch.scores.size() < m.K) scratch.scores.resize(m.K);
  if (!m.X.sparse()) return;
  if (scratch.stamp.size() < m.X.cols) scratch.stamp.resize(m.X.cols, 0);
  if (++scratch.generation == 0) {  // wrapped: old stamps could alias the new generation
    std::fill(scratch.stamp.begin(), scratch.stamp.end(), 0u);
    scratch.generation = 1;
  }
  scratch.touched.clear();
}

// grad += scratch/count + l2·W, rounded once per element; zeroes the scratch it read. With l2 = 0 a
// CSR batch touches only its own columns, so only those are visited (the sparse case stays O(nnz)).
void flushGradient(const Model& m, double invCount, float* grad) {
  double* g = scratch.grad.data();
  const size_t cols = m.X.cols;
  const double l2 = m.o.l2;
  auto flushOne = [&](size_t i) {
    grad[i] = static_cast<float>(static_cast<double>(grad[i]) + (g[i] * invCount + l2 * m.w[i]));
    g[i] = 0.0;
  };
  if (m.X.sparse() && l2 == 0.0) {
    for (uint32_t j : scratch.touched)
      for (size_t k = 0; k < m.K; ++k) flushOne(k * cols + j);
  } else {
    for (size_t i = 0; i < m.K * cols; ++i) flushOne(i);
  }
  if (m.o.bias)
    for (size_t k = 0; k < m.K; ++k) {
      const size_t i = m.K * cols + k;
      grad[i] = static_cast<float>(static_cast<double>(grad[i]) + g[i] * invCount);
      g[i] = 0.0;
    }
}

double l2Term(const Model& m) {
  if (m.o.l2 == 0.0) return 0.0;
  const size_t n = m.K * m.X.cols;
  return 0.5 * m.o.l2 * m.ops.dot(m.w, m.w, n);
}

bool isIntegral(double v) { return std::floor(v) == v; }

// Labels and scalars in messages: "2" or "0.5", not std::to_string's "2.000000".
std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

size_t parameterCount(const LinearObjective& objective, size_t cols) {
  const size_t K = outputsOf(objective);
  return K * cols + (objective.bias ? K : 0);
}

bool isClassification(LinearLoss loss) { return loss != LinearLoss::Squared; }

double lossAndGrad(const LinearObjective& objective, const Features& X, const Labels& y, const float* w,
                   const RowList& rows, float* grad) {
  const Model m(objective, X, w);
  prepareScratch(m, grad ? parameterCount(objective, X.cols) : 0);
  double* s = scratch.scores.data();
  double sum = 0.0;
  for (size_t i = 0; i < rows.count; ++i) {
    const size_t r = rows.at(i);
    rowScores(m, r, s);
    sum += rowLoss(objective, s, y.at(r));
    if (grad) rowGradient(m, r, s, scratch.grad.data());
  }
  const double invCount = rows.count ? 1.0 / static_cast<double>(rows.count) : 0.0;
  if (grad) flushGradient(m, invCount, grad);
  return sum * invCount + l2Term(m);
}

void predictScores(const LinearObjective& objective, const Features& X, const float* w, const RowList& rows,
                   float* out) {
  const Model m(objective, X, w);
  prepareScratch(m, 0);
  double* s = scratch.scores.data();
  for (size_t i = 0; i < rows.count; ++i) {
    rowScores(m, rows.at(i), s);
    for (size_t k = 0; k < m.K; ++k) out[i * m.K + k] = static_cast<float>(s[k]);
  }
}

namespace {

int32_t classOf(const Model& m, const double* s) {
  if (m.o.loss != LinearLoss::Softmax) return s[0] > 0 ? 1 : 0;
  size_t best = 0;
  for (size_t k = 1; k < m.K; ++k)
    if (s[k] > s[best]) best = k;
  return static_cast<int32_t>(best);
}

bool matchesLabel(const Model& m, int32_t predicted, double y) {
  if (m.o.loss == LinearLoss::Softmax) return static_cast<double>(predicted) == y;
  return (predicted == 1) == (y > 0);
}

}  // namespace

void predictClasses(const LinearObjective& objective, const Features& X, const float* w, const RowList& rows,
                    int32_t* out) {
  const Model m(objective, X, w);
  prepareScratch(m, 0);
  double* s = scratch.scores.data();
  for (size_t i = 0; i < rows.count; ++i) {
    rowScores(m, rows.at(i), s);
    out[i] = classOf(m, s);
  }
}

LinearMetrics evaluate(const LinearObjective& objective, const Features& X, const Labels& y, const float* w,
                       const RowList& rows) {
  const Model m(objective, X, w);
  prepareScratch(m, 0);
  double* s = scratch.scores.data();
  double lossSum = 0.0, metricSum = 0.0;
  for (size_t i = 0; i < rows.count; ++i) {
    const size_t r = rows.at(i);
    rowScores(m, r, s);
    const double label = y.at(r);
    if (isClassification(objective.loss)) {
      metricSum += matchesLabel(m, classOf(m, s), label) ? 1.0 : 0.0;
    } else {
      metricSum += (s[0] - label) * (s[0] - label);
    }
    lossSum += rowLoss(objective, s, label);
  }
  // The loss scaled exactly as lossAndGrad scales it, so both report the same number.
  const double invCount = rows.count ? 1.0 / static_cast<double>(rows.count) : 0.0;
  return {lossSum * invCount + l2Term(m), metricSum / static_cast<double>(rows.count)};
}

std::string validateObjective(const LinearObjective& o) {
  if (o.loss == LinearLoss::Softmax) {
    if (o.classes < 2 || o.classes > (1u << 24))
      return "objective.classes must be an integer in [2, 16777216] for the softmax loss, got " +
             std::to_string(o.classes);
  } else if (o.classes != 1) {
    return "objective.classes must be 1 (or left out) for a binary or regression loss, got " +
           std::to_string(o.classes);
  }
  if (!(o.l2 >= 0.0) || !std::isfinite(o.l2))
    return "objective.l2 must be a finite number >= 0, got " + formatNumber(o.l2);
  return "";
}

std::string validateCsrRows(const Features& X, const RowList& rows) {
  if (!X.sparse()) return "";
  for (size_t i = 0; i < rows.count; ++i) {
    const size_t r = rows.at(i);
    const int64_t begin = X.indptr[r], end = X.indptr[r + 1];
    if (begin < 0 || end < begin || static_cast<uint64_t>(end) > X.nnz)
      return "X.indptr[" + std::to_string(r) + ".." + std::to_string(r + 1) + "] = " + std::to_string(begin) +
             ".." + std::to_string(end) + " is not a non-decreasing range inside [0, " + std::to_string(X.nnz) +
             "] (indices.length)";
    for (int64_t p = begin; p < end; ++p) {
      const int32_t j = X.indices[p];
      if (j < 0 || static_cast<size_t>(j) >= X.cols)
        return "X.indices[" + std::to_string(p) + "] = " + std::to_string(j) + " (row " + std::to_string(r) +
               ") is outside [0, " + std::to_string(X.cols) + ") (X.cols)";
    }
  }
  return "";
}

std::string validateRowList(const RowList& rows, size_t rowCount) {
  if (!rows.rows) return rows.count <= rowCount ? "" : "rows: more rows than X has";
  for (size_t i = 0; i < rows.count; ++i)
    if (rows.rows[i] >= rowCount)
      return "rows[" + std::to_string(i) + "] = " + std::to_string(rows.rows[i]) + " is outside [0, " +
             std::to_string(rowCount) + ") (X has " + std::to_string(rowCount) + " rows)";
  return "";
}

std::string validateLabels(const LinearObjective& o, const Labels& y, const RowList& rows) {
  if (o.loss == LinearLoss::Squared) return "";
  for (size_t i = 0; i < rows.count; ++i) {
    const size_t r = rows.at(i);
    const double v = y.at(r);
    if (o.loss == LinearLoss::Softmax) {
      if (!(v >= 0 && v < static_cast<double>(o.classes) && isIntegral(v)))
        return "y[" + std::to_string(r) + "] = " + formatNumber(v) + " is not a class id in [0, " +
               std::to_string(o.classes) + ")";
    } else if (!(v == -1.0 || v == 0.0 || v == 1.0)) {
      return "y[" + std::to_string(r) + "] = " + formatNumber(v) +
             " is not a binary label: the logistic and hinge losses take -1, 0 or 1";
    }
  }
  return "";
}

}  // namespace descent
