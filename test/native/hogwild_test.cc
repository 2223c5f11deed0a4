// The Hogwild! epoch driver on several threads, written to be run under ThreadSanitizer
// (scripts/native-tests.sh tsan runs the "hogwild:" group): the 'locked' mode (one mutex around each
// example's update) and the 'hogwild' mode (no lock; shared floats through relaxed atomics, see
// native/parallel/hogwild_shared.h), for the sparse linear models and for matrix factorisation, with
// plain SGD and AdaGrad, plus the multi-threaded data generators and evaluation that feed them. Each
// case also checks the outcome (every example done, no error, the loss goes down), so the group
// means something in the release and ASan builds too.
//
// Why this is expected to be clean under TSan without suppressions: every access to the shared
// parameters and accumulators is an __atomic_load / __atomic_store with __ATOMIC_RELAXED, which TSan
// models as atomic (no data race in the C++ sense); a lost update (two threads' load-then-store on
// one coordinate) is a race of the algorithm, not of the memory model, and TSan does not flag it.
// Data arrays are only read during an epoch; per-thread results are written to separate slots and
// read after join(). test/native/tsan-hogwild.supp documents what to do if that ever changes.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "check.h"
#include "objectives/mf.h"
#include "parallel/hogwild.h"
#include "parallel/hogwild_generate.h"
#include "parallel/hogwild_linear.h"

namespace descent_test {

namespace {

using namespace descent;

struct SparseSet {
  std::vector<int32_t> indptr, indices;
  std::vector<float> values, labels, truth;
  Features X;
};

// An RCV1-like set from the native generator, on `threads` threads (itself a TSan subject).
SparseSet makeSparseSet(size_t rows, size_t cols, unsigned threads) {
  SparseSet s;
  SparseSetSpec spec;
  spec.rows = rows;
  spec.cols = cols;
  spec.meanNonzeros = 20;
  spec.seed = 7;
  spec.threads = threads;
  s.indptr.resize(rows + 1);
  const int64_t nnz = sparseRowLengths(spec, s.indptr.data());
  s.indices.resize(static_cast<size_t>(nnz));
  s.values.resize(static_cast<size_t>(nnz));
  s.labels.resize(rows);
  s.truth.resize(cols);
  SparseSetArrays out;
  out.indptr = s.indptr.data();
  out.nnz = static_cast<size_t>(nnz);
  out.indices = s.indices.data();
  out.values = s.values.data();
  out.labels = s.labels.data();
  out.truth = s.truth.data();
  fillSparseSet(spec, out, nullptr);
  s.X.indptr = s.indptr.data();
  s.X.indices = s.indices.data();
  s.X.values = s.values.data();
  s.X.rows = rows;
  s.X.cols = cols;
  s.X.nnz = static_cast<size_t>(nnz);
  return s;
}

std::vector<uint32_t> identityOrder(size_t n) {
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  return order;
}

double linearLoss(const SparseLinearProblem& p, const SparseSet& s, unsigned threads) {
  LinearEvaluation e;
  const std::string error = evaluateLinear(p, s.X, s.labels.data(), threads, "X", e);
  expect(error.empty(), "evaluateLinear: " + error);
  return (e.lossSum + linearRegularisation(p)) / static_cast<double>(e.rows);
}

const char* modeName(HogwildMode m) { return m == HogwildMode::Locked ? "locked" : "hogwild"; }

// Three epochs of the hinge SVM (with the fully contended bias) on `threads` threads.
void trainLinear(HogwildMode mode, unsigned threads, bool adagrad) {
  const SparseSet s = makeSparseSet(4000, 300, threads);
  std::vector<float> w(s.X.cols + 1, 0.0f), acc(w.size(), 0.0f), inverseDegree(s.X.cols);
  expect(inverseFeatureDegrees(s.X, inverseDegree.data()).empty(), "inverseFeatureDegrees failed");
  SparseLinearProblem p;
  p.objective.loss = LinearLoss::Hinge;
  p.objective.bias = true;
  p.X = s.X;
  p.y = s.labels.data();
  p.w = w.data();
  p.inverseDegree = inverseDegree.data();
  p.l2 = 1e-4;
  p.step.lr = adagrad ? 0.5f : 0.2f;
  p.step.acc = adagrad ? acc.data() : nullptr;
  p.step.skipUnchanged = threads > 1;
  HogwildSchedule schedule;
  schedule.mode = mode;
  schedule.threads = threads;
  schedule.chunk = 97;  // many looks at the cancel flag
  std::atomic<bool> cancel{false};
  schedule.cancel = &cancel;
  const std::vector<uint32_t> order = identityOrder(s.X.rows);
  const std::string where = format("%s, %u threads, %s", modeName(mode), threads, adagrad ? "adagrad" : "sgd");
  const double before = linearLoss(p, s, threads);
  for (int epoch = 0; epoch < 3; ++epoch) {
    const HogwildOutcome out = trainLinearEpoch(p, order.data(), order.size(), schedule);
    expect(out.error.empty(), where + ": " + out.error);
    expect(out.examplesDone == order.size() && !out.cancelled,
           format("%s: epoch %d did %zu of %zu examples", where.c_str(), epoch, out.examplesDone, order.size()));
  }
  const double after = linearLoss(p, s, threads);
  expect(std::isfinite(after) && after < 0.9 * before,
         format("%s: loss %.4f -> %.4f, expected a drop of 10%% or more", where.c_str(), before, after));
}

void lockedLinearIsCleanOnSeveralThreads() {
  for (unsigned threads : {2u, 4u})
    for (bool adagrad : {false, true}) trainLinear(HogwildMode::Locked, threads, adagrad);
}

void hogwildLinearIsCleanOnSeveralThreads() {
  for (unsigned threads : {2u, 4u})
    for (bool adagrad : {false, true}) trainLinear(HogwildMode::Hogwild, threads, adagrad);
}

// Matrix factorisation: every rating touches a user row and an item row, so popular items are
// contended much more than a sparse linear model's features.
void trainFactors(HogwildMode mode, unsigned threads, bool adagrad) {
  RatingsSpec spec;
  spec.users = 200;
  spec.items = 100;
  spec.count = 8000;
  spec.rank = 4;
  spec.seed = 3;
  spec.threads = threads;
  std::vector<int32_t> users(spec.count), items(spec.count);
  std::vector<float> ratings(spec.count);
  fillRatings(spec, users.data(), items.data(), ratings.data(), nullptr);
  MfProblem p;
  p.data.users = users.data();
  p.data.items = items.data();
  p.data.values = ratings.data();
  p.data.count = spec.count;
  p.data.userCount = spec.users;
  p.data.itemCount = spec.items;
  p.rank = 4;
  const size_t rows = spec.users + spec.items;
  std::vector<float> factors(rows * p.rank), acc(factors.size(), 0.0f), inverseDegree(rows);
  for (size_t i = 0; i < factors.size(); ++i) factors[i] = 0.1f * static_cast<float>((i * 2654435761u) % 1000) / 1000.0f;
  expect(inverseRatingDegrees(p.data, inverseDegree.data()).empty(), "inverseRatingDegrees failed");
  p.factors = factors.data();
  p.inverseDegree = inverseDegree.data();
  p.l2 = 0.01;
  p.step.lr = adagrad ? 0.1f : 0.02f;
  p.step.acc = adagrad ? acc.data() : nullptr;
  p.step.skipUnchanged = threads > 1;
  HogwildSchedule schedule;
  schedule.mode = mode;
  schedule.threads = threads;
  const std::vector<uint32_t> order = identityOrder(spec.count);
  const std::string where = format("mf, %s, %u threads, %s", modeName(mode), threads, adagrad ? "adagrad" : "sgd");
  auto loss = [&] {
    MfEvaluation e;
    expect(evaluateMf(p, p.data, threads, "data", e).empty(), where + ": evaluateMf failed");
    return e.squaredErrorSum / static_cast<double>(e.count);
  };
  const double before = loss();
  for (int epoch = 0; epoch < 3; ++epoch) {
    const HogwildOutcome out = trainMfEpoch(p, order.data(), order.size(), schedule);
    expect(out.error.empty(), where + ": " + out.error);
    expect(out.examplesDone == order.size(), format("%s: epoch %d did %zu of %zu ratings", where.c_str(), epoch,
                                                    out.examplesDone, order.size()));
  }
  const double after = loss();
  expect(std::isfinite(after) && after < 0.5 * before,
         format("%s: mean squared error %.4f -> %.4f, expected it to halve", where.c_str(), before, after));
}

void lockedFactorsAreCleanOnSeveralThreads() {
  for (unsigned threads : {2u, 4u})
    for (bool adagrad : {false, true}) trainFactors(HogwildMode::Locked, threads, adagrad);
}

void hogwildFactorsAreCleanOnSeveralThreads() {
  for (unsigned threads : {2u, 4u})
    for (bool adagrad : {false, true}) trainFactors(HogwildMode::Hogwild, threads, adagrad);
}

// A cancel flag raised from another thread mid-epoch: every worker stops within a chunk.
void cancelFromAnotherThreadStopsEveryWorker() {
  const SparseSet s = makeSparseSet(20000, 300, 2);
  std::vector<float> w(s.X.cols + 1, 0.0f), inverseDegree(s.X.cols);
  inverseFeatureDegrees(s.X, inverseDegree.data());
  SparseLinearProblem p;
  p.objective.loss = LinearLoss::Logistic;
  p.X = s.X;
  p.y = s.labels.data();
  p.w = w.data();
  p.inverseDegree = inverseDegree.data();
  p.step.lr = 0.1f;
  p.step.skipUnchanged = true;
  for (HogwildMode mode : {HogwildMode::Locked, HogwildMode::Hogwild}) {
    std::atomic<bool> cancel{false};
    HogwildSchedule schedule;
    schedule.mode = mode;
    schedule.threads = 3;
    schedule.chunk = 10;
    schedule.cancel = &cancel;
    const std::vector<uint32_t> order = identityOrder(s.X.rows);
    HogwildOutcome out;
    runOnThreads(2, [&](unsigned t) {
      if (t == 0) out = trainLinearEpoch(p, order.data(), order.size(), schedule);
      else cancel.store(true, std::memory_order_relaxed);
    });
    expect(out.error.empty(), std::string(modeName(mode)) + ": " + out.error);
    expect(out.examplesDone <= order.size(), std::string(modeName(mode)) + ": more examples than the epoch has");
  }
}

}  // namespace

void addHogwildTests(Registry& tests) {
  tests.push_back({"hogwild: the locked mode trains a sparse SVM on 2 and 4 threads (sgd, adagrad)", lockedLinearIsCleanOnSeveralThreads});
  tests.push_back({"hogwild: the lock-free mode trains a sparse SVM on 2 and 4 threads (sgd, adagrad)", hogwildLinearIsCleanOnSeveralThreads});
  tests.push_back({"hogwild: the locked mode factorises ratings on 2 and 4 threads (sgd, adagrad)", lockedFactorsAreCleanOnSeveralThreads});
  tests.push_back({"hogwild: the lock-free mode factorises ratings on 2 and 4 threads (sgd, adagrad)", hogwildFactorsAreCleanOnSeveralThreads});
  tests.push_back({"hogwild: a cancel raised on another thread stops every worker", cancelFromAnotherThreadStopsEveryWorker});
}

}  // namespace descent_test
