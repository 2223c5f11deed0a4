#include "hogwild_linear.h"

#include <vector>

#include "../objectives/losses.h"

namespace descent {

namespace {

// JS owns the CSR arrays and could change them while a job runs, so each row's bounds and each
// column index are read once into a local and checked before use: one compare per nonzero, cheap
// next to the gather it guards, and no write can ever land outside w. The messages are built out of
// line so that the checks cost a compare and a branch in the hot loops.
[[gnu::noinline, gnu::cold]] bool badRow(const Features& X, size_t r, int32_t begin, int32_t end, const std::string& name,
                                         std::string& error) {
  error = name + ".indptr[" + std::to_string(r) + ".." + std::to_string(r + 1) + "] = " + std::to_string(begin) + ".." +
          std::to_string(end) + " is not a non-decreasing range inside [0, " + std::to_string(X.nnz) + "]";
  return false;
}

[[gnu::noinline, gnu::cold]] bool badColumn(const Features& X, int32_t q, int32_t j, const std::string& name,
                                            std::string& error) {
  error = name + ".indices[" + std::to_string(q) + "] = " + std::to_string(j) + " is outside [0, " +
          std::to_string(X.cols) + ")";
  return false;
}

inline bool rowBounds(const Features& X, size_t r, const std::string& name, int32_t& begin, int32_t& end,
                      std::string& error) {
  begin = X.indptr[r];
  end = X.indptr[r + 1];
  if (begin < 0 || end < begin || static_cast<size_t>(end) > X.nnz) return badRow(X, r, begin, end, name, error);
  return true;
}

const std::string kTrainName = "data.X";

// The margin m = Σ v_j w_j (+ b) of row r, read from shared memory, and the row's checked bounds;
// false on a bad index.
inline bool margin(const SparseLinearProblem& p, const Features& X, size_t r, const std::string& name, double& m,
                   int32_t& begin, int32_t& end, std::string& error) {
  if (!rowBounds(X, r, name, begin, end, error)) return false;
  const int32_t* indices = X.indices;
  const float* values = X.values;
  const float* w = p.w;
  const uint32_t cols = static_cast<uint32_t>(X.cols);
  double sum = p.objective.bias ? static_cast<double>(loadShared(w + cols)) : 0.0;
  for (int32_t q = begin; q < end; ++q) {
    const int32_t j = indices[q];
    if (static_cast<uint32_t>(j) >= cols) return badColumn(X, q, j, name, error);
    sum += static_cast<double>(values[q]) * static_cast<double>(loadShared(w + j));
  }
  m = sum;
  return true;
}

bool updateRow(const SparseLinearProblem& p, uint32_t r, std::string& error) {
  const Features& X = p.X;
  double s = 0.0;
  int32_t begin = 0, end = 0;
  if (!margin(p, X, r, kTrainName, s, begin, end, error)) return false;
  rowLoss(p.objective, &s, static_cast<double>(p.y[r]));  // s becomes dℓ/dm
  const float d = static_cast<float>(s);
  const float mu = static_cast<float>(p.l2);
  // A hinge row outside the margin has d = 0: with no L2 there is nothing to write.
  if (d == 0.0f && mu == 0.0f) return true;
  // The bounds checked in margin() still hold (they are locals); each index is read and checked
  // again, since JS may have changed the array in between.
  const int32_t* indices = X.indices;
  const float* values = X.values;
  const float* inverseDegree = p.inverseDegree;
  const uint32_t cols = static_cast<uint32_t>(X.cols);
  float scratch;  // where updates that change nothing are stored (see SharedStep)
  for (int32_t q = begin; q < end; ++q) {
    const int32_t j = indices[q];
    if (static_cast<uint32_t>(j) >= cols) return badColumn(X, q, j, kTrainName, error);
    p.step.apply(p.w, static_cast<size_t>(j), d * values[q], mu * inverseDegree[j], scratch);
  }
  if (p.objective.bias) p.step.apply(p.w, X.cols, d, 0.0f, scratch);
  return true;
}

// The Kernel runHogwildEpoch drives (hogwild.h).
struct LinearKernel {
  const SparseLinearProblem& p;
  bool update(uint32_t r, std::string& error) const { return updateRow(p, r, error); }
  void prefetchFar(uint32_t r) const {
    prefetchLine(p.X.indptr + r);
    prefetchLine(p.y + r);
  }
  // Bounds are checked only so that no address is formed outside the arrays; update() checks them
  // again for real.
  bool bounds(uint32_t r, int32_t& begin, int32_t& end) const {
    begin = p.X.indptr[r];
    end = p.X.indptr[r + 1];
    return begin >= 0 && end >= begin && static_cast<size_t>(end) <= p.X.nnz;
  }
  // The row's indices and values: a few lines each.
  void prefetchNear(uint32_t r) const {
    int32_t begin = 0, end = 0;
    if (!bounds(r, begin, end) || end == begin) return;
    constexpr int32_t perLine = 64 / sizeof(int32_t);
    for (int32_t q = begin; q < end; q += perLine) {
      prefetchLine(p.X.indices + q);
      prefetchLine(p.X.values + q);
    }
    prefetchLine(p.X.indices + end - 1);  // a row that starts mid-line ends on one more
    prefetchLine(p.X.values + end - 1);
  }
};

}  // namespace

std::string inverseFeatureDegrees(const Features& X, float* out) {
  std::vector<uint32_t> degree(X.cols, 0);
  std::string error;
  for (size_t r = 0; r < X.rows; ++r) {
    int32_t begin = 0, end = 0;
    if (!rowBounds(X, r, kTrainName, begin, end, error)) return error;
    for (int32_t q = begin; q < end; ++q) {
      const int32_t j = X.indices[q];
      if (static_cast<uint32_t>(j) >= X.cols) {
        badColumn(X, q, j, kTrainName, error);
        return error;
      }
      ++degree[j];
    }
  }
  for (size_t j = 0; j < X.cols; ++j) out[j] = degree[j] ? 1.0f / static_cast<float>(degree[j]) : 0.0f;
  return "";
}

HogwildOutcome trainLinearEpoch(const SparseLinearProblem& p, const uint32_t* order, size_t n,
                                const HogwildSchedule& schedule) {
  return runHogwildEpoch(order, n, p.X.rows, schedule, LinearKernel{p});
}

std::string evaluateLinear(const SparseLinearProblem& p, const Features& X, const float* y, unsigned T,
                           const std::string& name, LinearEvaluation& out) {
  const bool classify = isClassification(p.objective.loss);
  std::string error;
  auto range = [&](size_t begin, size_t end, LinearEvaluation& part, std::string& err) {
    for (size_t r = begin; r < end; ++r) {
      double s = 0.0;
      int32_t begin = 0, end = 0;
      if (!margin(p, X, r, name, s, begin, end, err)) return false;
      const double label = static_cast<double>(y[r]);
      if (classify)
        part.metricSum += ((s > 0) == (label > 0)) ? 1.0 : 0.0;
      else
        part.metricSum += (s - label) * (s - label);
      part.lossSum += rowLoss(p.objective, &s, label);
    }
    part.rows += end - begin;
    return true;
  };
  out = LinearEvaluation{};
  sumOverRanges(X.rows, T, range, out, error);
  return error;
}

double linearRegularisation(const SparseLinearProblem& p) {
  if (p.l2 == 0.0) return 0.0;
  double sum = 0.0;
  for (size_t j = 0; j < p.X.cols; ++j)
    if (p.inverseDegree[j] > 0.0f) {
      const double wj = loadShared(p.w + j);
      sum += wj * wj;
    }
  return 0.5 * p.l2 * sum;
}

}  // namespace descent
