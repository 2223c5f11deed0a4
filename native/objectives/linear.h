// Loss and gradient of linear models over a mini-batch of rows: the contract between the data
// (dense or CSR features, labels), the parameters (one flat float vector) and whoever drives
// training: the JS bindings, or a native epoch loop that calls this once per mini-batch.
//
// Parameters w (and the gradient, same layout), K = classes (1 unless the loss is softmax):
//   w[k*cols + j]   weight of feature j for output k   (K×cols, row-major; K = 1: w[j])
//   w[K*cols + k]   bias of output k, present only when bias is on
//   parameterCount(objective, cols) = K*cols + (bias ? K : 0)
//
// Margin m = x·w + b (K = 1) or scores s_k = x·W_k + b_k (softmax). Per-row losses:
//   squared   ½(m − y)²
//   logistic  log(1 + exp(−t·m)),  t = +1 if y > 0 else −1 (labels ±1 or 0/1), computed stably
//   hinge     max(0, 1 − t·m),     subgradient −t where t·m < 1, else 0
//   softmax   logΣ_k exp(s_k) − s_y (stable log-sum-exp), y a class id in [0, K)
// Returned loss: the MEAN of the per-row losses over the `count` listed rows, plus ½·l2·‖W‖²
// (biases are not penalised). lossAndGrad ADDS the gradient of exactly that quantity into `grad`
// (caller-zeroed, or accumulating on purpose); grad == nullptr computes the loss only.
// The L2 gradient l2·W touches every weight; a sparse epoch loop that wants lazy updates passes
// l2 = 0 and uses the optimizer's weight decay instead (the same term).
//
// Sums over rows and dot products run in double; the gradient is rounded to float once per call.
// Dense rows use the SIMD dot/axpy of the active ISA (setIsa switches it); CSR rows are gathers.
// Everything runs on the calling thread and keeps its scratch in thread_local storage, so
// several threads (Hogwild!) may call concurrently on shared w. The scratch holds one double per
// parameter (the batch gradient before rounding; kept for reuse) and, for CSR, one uint32 per column.
//
// Nothing here checks its arguments: call the validate* functions once (the bindings do, per
// call) and trust the data afterwards.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace descent {

enum class LinearLoss { Squared, Logistic, Hinge, Softmax };

struct LinearObjective {
  LinearLoss loss = LinearLoss::Squared;
  size_t classes = 1;  // K: 1 for squared, logistic and hinge; ≥ 2 for softmax
  bool bias = true;
  double l2 = 0.0;
};

// Dense (data != nullptr: rows×cols row-major) or CSR (indptr != nullptr, SciPy's layout).
struct Features {
  const float* data = nullptr;
  const int32_t* indptr = nullptr;  // rows + 1 entries
  const int32_t* indices = nullptr;
  const float* values = nullptr;
  size_t rows = 0, cols = 0;
  size_t nnz = 0;  // indices/values length (CSR)
  bool sparse() const { return indptr != nullptr; }
};

// One of the two arrays is set: Float32 labels (regression, ±1, 0/1; also class ids) or Int32 class ids.
struct Labels {
  const float* f32 = nullptr;
  const int32_t* i32 = nullptr;
  size_t length = 0;
  double at(size_t r) const { return f32 ? static_cast<double>(f32[r]) : static_cast<double>(i32[r]); }
};

// The rows of a mini-batch; rows == nullptr means rows 0..count-1 in order.
struct RowList {
  const uint32_t* rows = nullptr;
  size_t count = 0;
  size_t at(size_t i) const { return rows ? rows[i] : i; }
};

size_t parameterCount(const LinearObjective& objective, size_t cols);
bool isClassification(LinearLoss loss);

// Mean loss over the rows (+ L2 term); adds its gradient into grad when grad != nullptr.
// An empty row list gives the L2 term alone.
double lossAndGrad(const LinearObjective& objective, const Features& X, const Labels& y, const float* w,
                   const RowList& rows, float* grad);

// Scores of every listed row: out[i*K + k] = s_k of rows.at(i).
void predictScores(const LinearObjective& objective, const Features& X, const float* w, const RowList& rows,
                   float* out);
// Class ids: softmax → argmax_k s_k (the first on ties); binary losses → 1 if m > 0, else 0.
void predictClasses(const LinearObjective& objective, const Features& X, const float* w, const RowList& rows,
                    int32_t* out);

struct LinearMetrics {
  double loss;    // as lossAndGrad returns
  double metric;  // accuracy (classification: prediction vs y > 0, or vs class id) or MSE (squared)
};
LinearMetrics evaluate(const LinearObjective& objective, const Features& X, const Labels& y, const float* w,
                       const RowList& rows);

// Validation: each returns an empty string when fine, else a message naming the offending value
// with the JS argument names (objective, X, y, rows).
std::string validateObjective(const LinearObjective& objective);
// The CSR structure of the listed rows only (O(nnz of those rows)): indptr bounds and order,
// column indices in [0, cols). Dense matrices need no check beyond their length.
std::string validateCsrRows(const Features& X, const RowList& rows);
// Every listed row index < X.rows.
std::string validateRowList(const RowList& rows, size_t rowCount);
// The labels of the listed rows suit the loss: binary losses need −1, 0 or 1; softmax an integer
// class id in [0, K); squared takes any number.
std::string validateLabels(const LinearObjective& objective, const Labels& y, const RowList& rows);

}  // namespace descent
