#include "epoch_loop.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <cstring>

#include "../data/xoshiro.h"
#include "../kernels/step_runner.h"

namespace descent {

namespace {

// Standard normal deviates by Marsaglia's polar method from 53-bit uniforms; keeps the spare.
class Normal {
 public:
  explicit Normal(Xoshiro128& rng) : rng_(rng) {}
  double next() {
    if (hasSpare_) {
      hasSpare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    hasSpare_ = true;
    return u * m;
  }

 private:
  double uniform() {
    const uint64_t hi = rng_.next() >> 5, lo = rng_.next() >> 6;  // 27 + 26 bits
    return static_cast<double>((hi << 26) | lo) / 9007199254740992.0;
  }
  Xoshiro128& rng_;
  double spare_ = 0;
  bool hasSpare_ = false;
};

// NaN and ±Inf are the floats whose exponent bits are all ones. An OR over integer tests is
// associative, so unlike a float sum this loop vectorises.
bool allFinite(const float* a, size_t n) {
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, a + i, sizeof bits);
    bad |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

}  // namespace

EpochResult runEpoch(const EpochPlan& plan) {
  EpochResult out;
  Xoshiro128 rng(plan.rngState ? plan.rngState : std::array<uint32_t, 4>{1, 2, 3, 4}.data());
  Normal normal(rng);
  double lossSum = 0;
  for (size_t step = 0; step < plan.steps; ++step) {
    if (plan.cancel && plan.cancel->load(std::memory_order_relaxed)) {
      out.cancelled = true;
      break;
    }
    const size_t begin = step * plan.batchSize;
    const size_t count = std::min(plan.batchSize, plan.orderLength - begin);
    std::memset(plan.grad, 0, plan.n * sizeof(float));
    const RowList rows{plan.order + begin, count};
    const double loss = lossAndGrad(plan.objective, plan.X, plan.y, plan.w, rows, plan.grad);
    if (plan.noiseStd) {
      const double sd = plan.noiseStd[step];
      for (size_t i = 0; i < plan.n; ++i) plan.grad[i] += static_cast<float>(sd * normal.next());
    }
    if (plan.stopOnNonFinite && (!std::isfinite(loss) || !allFinite(plan.grad, plan.n))) {
      out.nonFinite = true;
      break;
    }
    runStep(plan.kernel, plan.w, plan.grad, plan.state.data(), plan.scalars + step * plan.width, plan.n);
    lossSum += loss;
    ++out.stepsDone;
  }
  if (plan.rngState) rng.save(plan.rngState);
  out.meanLoss = out.stepsDone ? lossSum / static_cast<double>(out.stepsDone) : 0.0;
  return out;
}

}  // namespace descent
