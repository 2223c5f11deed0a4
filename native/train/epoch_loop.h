// One training epoch of a linear model, entirely in native code: for each mini-batch of the given
// example order, zero the gradient, add the objective's gradient (objectives/linear.h), optionally
// add Gaussian gradient noise (Neelakantan et al. 2015; seed eq. 22-23), and apply one optimizer
// step with that step's scalars, which the host computed ahead (kernels/step_runner.h). The host
// keeps the schedule, the step counters and all policy; this loop only streams.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../kernels/kernel_args.h"
#include "../objectives/linear.h"

namespace descent {

struct EpochPlan {
  LinearObjective objective;
  Features X;
  Labels y;
  float* w = nullptr;     // parameters, parameterCount(objective, X.cols) elements
  float* grad = nullptr;  // scratch gradient, same length
  size_t n = 0;
  const uint32_t* order = nullptr;  // example indices in visiting order
  size_t orderLength = 0;
  size_t batchSize = 1;
  KernelKind kernel = KernelKind::Sgd;
  std::vector<float*> state;        // kernel state arrays in KernelCall order (null = absent)
  const double* scalars = nullptr;  // steps × width per-step scalars
  size_t width = 0;
  size_t steps = 0;                     // ceil(orderLength / batchSize)
  const double* noiseStd = nullptr;     // per-step standard deviation, or null for no noise
  uint32_t* rngState = nullptr;         // 4 words, advanced in place when noise is on
  const std::atomic<bool>* cancel = nullptr;
  // Non-finite policy: stop the epoch at the first step whose loss or gradient is NaN/Inf, before
  // applying that step (1), or apply every step regardless (0).
  bool stopOnNonFinite = true;
};

struct EpochResult {
  size_t stepsDone = 0;
  double meanLoss = 0;     // mean of the mini-batch losses over the steps done
  bool cancelled = false;
  bool nonFinite = false;  // stopped at a non-finite loss or gradient
};

EpochResult runEpoch(const EpochPlan& plan);

}  // namespace descent
