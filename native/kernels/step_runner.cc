#include "step_runner.h"

#include <cstring>

#include "../parallel/thread_pool.h"
#include "dispatch.h"

namespace descent {

namespace {

// Reads arguments from state pointers and a row of doubles, in readArgs order.
class RowSource {
 public:
  RowSource(float* const* state, const double* scalars) : state_(state), scalars_(scalars) {}
  float* state(const char*) { return state_[s_++]; }
  float* optionalState(const char*) { return state_[s_++]; }
  float num(const char*) { return static_cast<float>(scalars_[k_++]); }
  bool flag(const char*) { return scalars_[k_++] != 0.0; }
  unsigned states() const { return s_; }
  unsigned scalars() const { return k_; }

 private:
  float* const* state_;
  const double* scalars_;
  unsigned s_ = 0, k_ = 0;
};

// Counts what readArgs consumes, without data.
class CountingSource {
 public:
  float* state(const char*) { ++s_; return nullptr; }
  float* optionalState(const char*) { ++s_; return nullptr; }
  float num(const char*) { ++k_; return 0.0f; }
  bool flag(const char*) { ++k_; return false; }
  KernelShape shape() const { return {s_, k_}; }

 private:
  unsigned s_ = 0, k_ = 0;
};

template <class A>
void run(void (*kernel)(const A&, size_t, size_t), float* p, const float* g, float* const* state,
         const double* scalars, size_t begin, size_t end, bool parallel) {
  A a{};
  RowSource src(state, scalars);
  readArgs(src, a);
  a.p = p;
  a.g = g;
  if (!parallel) {
    kernel(a, begin, end);
    return;
  }
  parallelRanges(end - begin, parallelMinElements(), [&](size_t b, size_t e) { kernel(a, begin + b, begin + e); });
}

void dispatch(KernelKind kind, float* p, const float* g, float* const* state, const double* scalars, size_t begin,
              size_t end, bool parallel) {
  const KernelTable& k = activeKernels();
  switch (kind) {
    case KernelKind::Sgd: return run(k.sgd, p, g, state, scalars, begin, end, parallel);
    case KernelKind::Adagrad: return run(k.adagrad, p, g, state, scalars, begin, end, parallel);
    case KernelKind::Adadelta: return run(k.adadelta, p, g, state, scalars, begin, end, parallel);
    case KernelKind::Rmsprop: return run(k.rmsprop, p, g, state, scalars, begin, end, parallel);
    case KernelKind::Adam: return run(k.adam, p, g, state, scalars, begin, end, parallel);
    case KernelKind::Adamax: return run(k.adamax, p, g, state, scalars, begin, end, parallel);
    case KernelKind::Nadam: return run(k.nadam, p, g, state, scalars, begin, end, parallel);
  }
}

template <class A>
KernelShape shapeOf() {
  A a{};
  CountingSource src;
  readArgs(src, a);
  return src.shape();
}

}  // namespace

KernelShape kernelShape(KernelKind kind) {
  switch (kind) {
    case KernelKind::Sgd: return shapeOf<SgdArgs>();
    case KernelKind::Adagrad: return shapeOf<AdagradArgs>();
    case KernelKind::Adadelta: return shapeOf<AdadeltaArgs>();
    case KernelKind::Rmsprop: return shapeOf<RmspropArgs>();
    case KernelKind::Adam: return shapeOf<AdamArgs>();
    case KernelKind::Adamax: return shapeOf<AdamaxArgs>();
    case KernelKind::Nadam: return shapeOf<NadamArgs>();
  }
  return {0, 0};
}

bool kernelKindFromName(const char* name, KernelKind& out) {
  static const struct {
    const char* name;
    KernelKind kind;
  } kinds[] = {{"sgd", KernelKind::Sgd},       {"adagrad", KernelKind::Adagrad}, {"adadelta", KernelKind::Adadelta},
               {"rmsprop", KernelKind::Rmsprop}, {"adam", KernelKind::Adam},       {"adamax", KernelKind::Adamax},
               {"nadam", KernelKind::Nadam}};
  for (const auto& k : kinds)
    if (std::strcmp(k.name, name) == 0) {
      out = k.kind;
      return true;
    }
  return false;
}

void runStep(KernelKind kind, float* p, const float* g, float* const* state, const double* scalars, size_t n) {
  dispatch(kind, p, g, state, scalars, 0, n, true);
}

void runStepRange(KernelKind kind, float* p, const float* g, float* const* state, const double* scalars,
                  size_t begin, size_t end) {
  dispatch(kind, p, g, state, scalars, begin, end, false);
}

}  // namespace descent
