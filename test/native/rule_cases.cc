#include "rule_cases.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/isa/cpu_probe.h"

namespace descent_test {

using descent::KernelTable;
using descent::SparseGrad;

namespace {

float uniform(Rng& rng, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

// |g| >= 0.1 keeps d = wd*p + g (wd = 0.01) away from cancellation: there a fused and an unfused
// multiply-add differ in d's leading digits, which is rounding, not a kernel difference.
float gradient(Rng& rng) {
  const float magnitude = uniform(rng, 0.1f, 1.0f);
  return rng() & 1u ? magnitude : -magnitude;
}

void initParamAndGrad(Rng& rng, float& p, float& g) {
  p = uniform(rng, -1.0f, 1.0f);
  g = gradient(rng);
}

// 1 - beta rounded once from double, as the host passes it.
float complement(double beta) { return static_cast<float>(1.0 - beta); }

// Per-step scalars as the host would compute them at step 3 (bias corrections in double).
constexpr double kStep = 3;
const float kInvSqrtBc2 = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(0.999, kStep)));
const float kAdamStepSize = static_cast<float>(1e-3 / (1.0 - std::pow(0.9, kStep)));

descent::SgdArgs sgdArgs(const Arrays& x, bool buffer, bool nesterov) {
  descent::SgdArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.buf = buffer ? x.state[0] : nullptr;
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.decay = 0.9f;
  a.c1 = 0.9f;  // 1 - dampening
  a.c2 = 1.0f;
  a.nmom = 0.9f;
  a.c3 = 0.01f;
  a.nesterov = nesterov;
  return a;
}

descent::AdagradArgs adagradArgs(const Arrays& x) {
  descent::AdagradArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.sum = x.state[0];
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.clr = 0.01f;
  a.epsIn = 1e-7f;  // both placements at once, so neither is dropped unnoticed
  a.epsOut = 1e-10f;
  return a;
}

descent::AdadeltaArgs adadeltaArgs(const Arrays& x, bool useOld) {
  descent::AdadeltaArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.sq = x.state[0];
  a.acc = x.state[1];
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.rho = 0.9f;
  a.oneMinusRho = complement(0.9);
  a.eps = 1e-6f;
  a.lr = 1.0f;
  a.useOld = useOld;
  return a;
}

// State order: sq, then gavg when centered, then buf when with momentum.
descent::RmspropArgs rmspropArgs(const Arrays& x, bool centered, bool buffer) {
  descent::RmspropArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.sq = x.state[0];
  a.gavg = centered ? x.state[1] : nullptr;
  a.buf = buffer ? x.state[centered ? 2 : 1] : nullptr;
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.alpha = 0.99f;
  a.oneMinusAlpha = complement(0.99);
  a.epsIn = 0.0f;
  a.epsOut = 1e-8f;
  a.mom = 0.9f;
  a.c1 = 1.0f;
  a.c3 = 0.01f;
  return a;
}

descent::AdamArgs adamArgs(const Arrays& x, bool amsgrad) {
  descent::AdamArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.m = x.state[0];
  a.v = x.state[1];
  a.vmax = amsgrad ? x.state[2] : nullptr;
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.decayMul = 0.99999f;  // AdamW's decoupled decay, lr * 1e-2
  a.b1 = 0.9f;
  a.oneMinusB1 = complement(0.9);
  a.b2 = 0.999f;
  a.oneMinusB2 = complement(0.999);
  a.invSqrtBc2 = kInvSqrtBc2;
  a.eps = 1e-8f;
  a.stepSize = kAdamStepSize;
  return a;
}

descent::AdamaxArgs adamaxArgs(const Arrays& x) {
  descent::AdamaxArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.m = x.state[0];
  a.u = x.state[1];
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.b1 = 0.9f;
  a.oneMinusB1 = complement(0.9);
  a.b2 = 0.999f;
  a.epsA = 1e-8f;
  a.epsB = 1e-7f;
  a.clr = static_cast<float>(2e-3 / (1.0 - std::pow(0.9, kStep)));
  return a;
}

descent::NadamArgs nadamArgs(const Arrays& x) {
  descent::NadamArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.m = x.state[0];
  a.v = x.state[1];
  a.sign = 1.0f;
  a.wd = 0.01f;
  a.b1 = 0.9f;
  a.oneMinusB1 = complement(0.9);
  a.b2 = 0.999f;
  a.oneMinusB2 = complement(0.999);
  a.invSqrtBc2 = kInvSqrtBc2;
  a.eps = 1e-8f;
  a.cg = 2e-4f;
  a.cm = 1.9e-3f;
  return a;
}

// State order: gBck (read only), gSum, z, zMax.
descent::AdaptiveRevisionArgs adaptiveRevisionArgs(const Arrays& x) {
  descent::AdaptiveRevisionArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.gBck = x.state[0];
  a.gSum = x.state[1];
  a.z = x.state[2];
  a.zMax = x.state[3];
  a.alpha = 0.1f;
  return a;
}

descent::FloorArgs floorArgs(const Arrays& x) {
  descent::FloorArgs a{};
  a.p = x.p;
  a.g = x.g;
  a.m = x.state[0];
  a.v = x.state[1];
  a.zero = 0.0f;
  return a;
}

void initMoments(Rng& rng, float* s) {
  s[0] = uniform(rng, -0.1f, 0.1f);
  s[1] = uniform(rng, 0.0f, 0.01f);
}

void initRmsprop(Rng& rng, float* s, bool centered, bool buffer) {
  // Centered: sq - mean^2 is what the kernel takes the root of; keeping it well above mean^2 keeps
  // that subtraction from magnifying the rounding differences between fused and unfused paths.
  const float mean = centered ? uniform(rng, -0.1f, 0.1f) : 0.0f;
  s[0] = mean * mean + uniform(rng, 0.05f, 0.5f);
  if (centered) s[1] = mean;
  if (buffer) s[centered ? 2 : 1] = uniform(rng, -0.1f, 0.1f);
}

RuleCase rmspropCase(const char* name, bool centered, bool buffer) {
  RuleCase c;
  c.name = name;
  c.stateNames = {"sq"};
  if (centered) c.stateNames.push_back("gavg");
  if (buffer) c.stateNames.push_back("buf");
  c.init = [=](Rng& r, float& p, float& g, float* s) {
    initParamAndGrad(r, p, g);
    initRmsprop(r, s, centered, buffer);
  };
  c.dense = [=](const KernelTable& t, const Arrays& x, size_t b, size_t e) {
    t.rmsprop(rmspropArgs(x, centered, buffer), b, e);
  };
  c.sparse = [=](const KernelTable& t, const Arrays& x, const SparseGrad& sg) {
    t.rmspropSparse(rmspropArgs(x, centered, buffer), sg);
  };
  return c;
}

RuleCase sgdCase(const char* name, bool buffer, bool nesterov) {
  RuleCase c;
  c.name = name;
  if (buffer) c.stateNames = {"buf"};
  c.init = [=](Rng& r, float& p, float& g, float* s) {
    initParamAndGrad(r, p, g);
    if (buffer) s[0] = uniform(r, -0.1f, 0.1f);
  };
  c.dense = [=](const KernelTable& t, const Arrays& x, size_t b, size_t e) {
    t.sgd(sgdArgs(x, buffer, nesterov), b, e);
  };
  c.sparse = [=](const KernelTable& t, const Arrays& x, const SparseGrad& sg) {
    t.sgdSparse(sgdArgs(x, buffer, nesterov), sg);
  };
  return c;
}

RuleCase adadeltaCase(const char* name, bool useOld) {
  RuleCase c;
  c.name = name;
  c.stateNames = {"sq", "acc"};
  c.init = [](Rng& r, float& p, float& g, float* s) {
    initParamAndGrad(r, p, g);
    s[0] = uniform(r, 0.0f, 0.5f);
    s[1] = uniform(r, 0.0f, 1e-3f);
  };
  c.dense = [=](const KernelTable& t, const Arrays& x, size_t b, size_t e) {
    t.adadelta(adadeltaArgs(x, useOld), b, e);
  };
  return c;
}

RuleCase adamCase(const char* name, bool amsgrad) {
  RuleCase c;
  c.name = name;
  c.stateNames = {"m", "v"};
  if (amsgrad) c.stateNames.push_back("vmax");
  c.init = [=](Rng& r, float& p, float& g, float* s) {
    initParamAndGrad(r, p, g);
    initMoments(r, s);
    if (amsgrad) s[2] = uniform(r, 0.0f, 0.02f);  // above v for some elements, below for others
  };
  c.dense = [=](const KernelTable& t, const Arrays& x, size_t b, size_t e) { t.adam(adamArgs(x, amsgrad), b, e); };
  c.sparse = [=](const KernelTable& t, const Arrays& x, const SparseGrad& sg) {
    t.adamSparse(adamArgs(x, amsgrad), sg);
  };
  return c;
}

std::vector<RuleCase> makeRuleCases() {
  std::vector<RuleCase> cases;
  cases.push_back(sgdCase("sgd without a buffer", false, false));
  cases.push_back(sgdCase("sgd with a momentum buffer", true, false));
  cases.push_back(sgdCase("sgd with nesterov momentum", true, true));
  {
    RuleCase c;
    c.name = "adagrad";
    c.stateNames = {"sum"};
    c.init = [](Rng& r, float& p, float& g, float* s) {
      initParamAndGrad(r, p, g);
      s[0] = uniform(r, 0.0f, 2.0f);
    };
    c.dense = [](const KernelTable& t, const Arrays& x, size_t b, size_t e) { t.adagrad(adagradArgs(x), b, e); };
    c.sparse = [](const KernelTable& t, const Arrays& x, const SparseGrad& sg) { t.adagradSparse(adagradArgs(x), sg); };
    cases.push_back(c);
  }
  cases.push_back(adadeltaCase("adadelta dividing by the new accumulator", false));
  cases.push_back(adadeltaCase("adadelta dividing by the old accumulator", true));
  cases.push_back(rmspropCase("rmsprop", false, false));
  cases.push_back(rmspropCase("rmsprop centered", true, false));
  cases.push_back(rmspropCase("rmsprop with momentum", false, true));
  cases.push_back(rmspropCase("rmsprop centered with momentum", true, true));
  cases.push_back(adamCase("adam", false));
  cases.push_back(adamCase("adam with vmax", true));
  {
    RuleCase c;
    c.name = "adamax";
    c.stateNames = {"m", "u"};
    c.init = [](Rng& r, float& p, float& g, float* s) {
      initParamAndGrad(r, p, g);
      s[0] = uniform(r, -0.1f, 0.1f);
      s[1] = uniform(r, 0.0f, 1.0f);
    };
    c.dense = [](const KernelTable& t, const Arrays& x, size_t b, size_t e) { t.adamax(adamaxArgs(x), b, e); };
    cases.push_back(c);
  }
  {
    RuleCase c;
    c.name = "nadam";
    c.stateNames = {"m", "v"};
    c.init = [](Rng& r, float& p, float& g, float* s) {
      initParamAndGrad(r, p, g);
      initMoments(r, s);
    };
    c.dense = [](const KernelTable& t, const Arrays& x, size_t b, size_t e) { t.nadam(nadamArgs(x), b, e); };
    cases.push_back(c);
  }
  {
    // As a running server leaves them: z <= zMax, zMax >= z0 > 0, and gBck an earlier gradient sum
    // (fwd = gSum - gBck, the gradients applied since the read, of either sign). z below zMax by up
    // to 1 makes some elements raise zMax and others keep it. |p| >= 0.1 and |fwd| <= 0.5: the
    // vector paths fuse the revision term (etaOld - eta)*fwd into its add, and a revision that
    // nearly cancels p - eta*g would turn that rounding difference into a large relative one.
    RuleCase c;
    c.name = "adaptive revision";
    c.stateNames = {"gBck", "gSum", "z", "zMax"};
    c.readOnlyStates = 1;
    c.init = [](Rng& r, float& p, float& g, float* s) {
      p = gradient(r);
      g = gradient(r);
      s[1] = uniform(r, -3.0f, 3.0f);
      s[0] = s[1] - uniform(r, -0.5f, 0.5f);
      s[2] = uniform(r, 0.1f, 2.0f);
      s[3] = s[2] + uniform(r, 0.0f, 1.0f);
    };
    c.dense = [](const KernelTable& t, const Arrays& x, size_t b, size_t e) {
      t.adaptiveRevision(adaptiveRevisionArgs(x), b, e);
    };
    cases.push_back(c);
  }
  {
    RuleCase c;
    c.name = "the memory-floor pass";
    c.stateNames = {"m", "v"};
    c.init = [](Rng& r, float& p, float& g, float* s) {
      initParamAndGrad(r, p, g);
      initMoments(r, s);
    };
    c.dense = [](const KernelTable& t, const Arrays& x, size_t b, size_t e) { t.floor(floorArgs(x), b, e); };
    cases.push_back(c);
  }
  return cases;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// Distance in representable floats, for finite values of either sign.
int64_t ulpDistance(float a, float b) {
  auto ordered = [](float f) {
    const int64_t u = bitsOf(f);
    return (u & 0x80000000) ? -(u & 0x7fffffff) : u;
  };
  const int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

}  // namespace

float sampleGradient(Rng& rng) { return gradient(rng); }

const std::vector<RuleCase>& ruleCases() {
  static const std::vector<RuleCase> cases = makeRuleCases();
  return cases;
}

std::vector<NamedTable> runnableTables() {
  std::vector<NamedTable> out{{"scalar", descent::kernelsScalar()}};
  const descent::CpuFeatures cpu = descent::probeCpu();
  if (cpu.avx2 && descent::kernelsAvx2()) out.push_back({"avx2", descent::kernelsAvx2()});
  if (cpu.avx512 && descent::kernelsAvx512()) out.push_back({"avx512", descent::kernelsAvx512()});
  if (cpu.neon && descent::kernelsNeon()) out.push_back({"neon", descent::kernelsNeon()});
  return out;
}

bool agrees(float got, float want, float before) {
  if (bitsOf(got) == bitsOf(want)) return true;
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  const double scale = std::fmax(std::fabs(before), std::fmax(std::fabs(got), std::fabs(want)));
  if (std::fabs(static_cast<double>(got) - want) <= 1e-6 * scale) return true;
  return ulpDistance(got, want) <= 4;
}

}  // namespace descent_test
