#include "hogwild_linear.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <type_traits>
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

// A thread's array of n values that shares no cache line with any other allocation (the other
// thread's buffers come from the same heap): 64 bytes of slack on each side.
template <class T>
class PrivateArray {
 public:
  PrivateArray() = default;
  PrivateArray(size_t n, T fill) : storage_(n + 2 * kPad, fill) {}
  T* data() { return storage_.empty() ? nullptr : storage_.data() + kPad; }

 private:
  static constexpr size_t kPad = 64 / sizeof(T) + 1;
  std::vector<T> storage_;
};

// The features in the most training rows, most popular first, at most H of them.
std::vector<uint32_t> hottestFeatures(const float* inverseDegree, size_t cols, uint32_t H) {
  std::vector<uint32_t> ids;
  for (size_t j = 0; j < cols; ++j)
    if (inverseDegree[j] > 0.0f) ids.push_back(static_cast<uint32_t>(j));
  const size_t keep = std::min<size_t>(H, ids.size());
  std::partial_sort(ids.begin(), ids.begin() + keep, ids.end(), [&](uint32_t a, uint32_t b) {
    return inverseDegree[a] < inverseDegree[b] || (inverseDegree[a] == inverseDegree[b] && a < b);
  });
  ids.resize(keep);
  return ids;
}

// The hot-feature table every thread reads (never written during the epoch).
struct HotTable {
  std::vector<uint32_t> featureOf;  // slot -> feature
  std::vector<uint32_t> slotOf;     // feature -> slot, or H (the dummy slot) when not hot
  bool everyFeature = false;        // every feature some row has is hot: whole private copies
  uint32_t size() const { return static_cast<uint32_t>(featureOf.size()); }
};

// One thread's view of the problem: where it reads and writes w (the shared weights, or its
// private copy in mode 'private'), and its own lazy-L2 factors and hot-feature buffer.
class LinearKernel {
 public:
  // alone: this kernel's thread is the only one that writes w (one thread, or its private copy),
  // so the plain-memory loop may run when nothing else (hot buffer, lazy L2) is on.
  LinearKernel(const SparseLinearProblem& p, float* w, float* acc, const HotTable* hot, bool alone = false)
      : p_(p), shared_(w), w_(w), step_(p.step), hot_(hot && hot->size() ? hot : nullptr) {
    step_.acc = acc;
    if (p.lazyL2) factor_ = PrivateArray<double>(p.X.cols, 1.0);
    if (hot_ && hot_->everyFeature) {
      // Every feature is hot: the buffer is a whole private copy of w (bias included), indexed like
      // w, so the loop runs exactly as on shared memory with no per-nonzero indirection.
      const size_t P = parameters();
      local_ = PrivateArray<float>(P, 0.0f);
      base_ = PrivateArray<float>(P, 0.0f);
      w_ = local_.data();
      step_.skipUnchanged = false;  // nothing to keep for another thread: w_ is ours alone
      reload();
      hot_ = nullptr;
      whole_ = true;
    } else if (hot_) {
      const uint32_t H = hot_->size();
      local_ = PrivateArray<float>(H + 1, 0.0f);
      base_ = PrivateArray<float>(H, 0.0f);
      reload();
    }
    plain_ = alone && !hot_ && !whole_ && !p.lazyL2;
    if (plain_) step_.skipUnchanged = false;  // no other writer whose update a store could overwrite
  }

  bool update(uint32_t r, std::string& error) {
    if (plain_) return updateRow<false, false, PlainAccess>(r, error);
    bool ok;
    if (hot_)
      ok = p_.lazyL2 ? updateRow<true, true>(r, error) : updateRow<true, false>(r, error);
    else
      ok = p_.lazyL2 ? updateRow<false, true>(r, error) : updateRow<false, false>(r, error);
    if ((hot_ || whole_) && ++sinceFlush_ >= p_.flushEvery) flush();
    return ok;
  }

  void prefetchFar(uint32_t r) const {
    prefetchLine(p_.X.indptr + r);
    prefetchLine(p_.y + r);
  }
  // The row's indices and values: a few lines each. Bounds are checked only so that no address is
  // formed outside the arrays; update() checks them again for real.
  void prefetchNear(uint32_t r) const {
    const int32_t begin = p_.X.indptr[r], end = p_.X.indptr[r + 1];
    if (!(begin >= 0 && end > begin && static_cast<size_t>(end) <= p_.X.nnz)) return;
    constexpr int32_t perLine = 64 / sizeof(int32_t);
    for (int32_t q = begin; q < end; q += perLine) {
      prefetchLine(p_.X.indices + q);
      prefetchLine(p_.X.values + q);
    }
    prefetchLine(p_.X.indices + end - 1);  // a row that starts mid-line ends on one more
    prefetchLine(p_.X.values + end - 1);
  }

  // After the join (one thread at a time): the buffered changes and pending shrinks into w.
  void finish() {
    double* f = factor_.data();
    if (f && !hot_)  // pending shrinks into w_ (a whole private copy: before its last flush)
      for (size_t j = 0; j < p_.X.cols; ++j)
        if (f[j] != 1.0) {
          storeShared(w_ + j, static_cast<float>(static_cast<double>(loadShared(w_ + j)) * f[j]));
          f[j] = 1.0;
        }
    if (hot_ || whole_) flush();
    if (f && hot_)
      for (size_t j = 0; j < p_.X.cols; ++j)
        if (f[j] != 1.0) storeShared(w_ + j, static_cast<float>(static_cast<double>(loadShared(w_ + j)) * f[j]));
  }

 private:
  // Where feature j's weight lives for this thread: its hot buffer slot or w. A select, not a
  // branch: whether a nonzero's feature is hot has no pattern a predictor could learn.
  template <bool Hot>
  float* at(uint32_t j) {
    if (!Hot) return w_ + j;
    const uint32_t slot = hot_->slotOf[j];
    return selectTarget(slot < hot_->size(), local_.data() + slot, w_ + j);
  }

  // Access: SharedAccess (relaxed atomics, several writers) or PlainAccess (this thread alone). The
  // arithmetic is the same, operation for operation, so both give the same bits; plain memory only
  // lets the compiler keep the row's pointers and scalars in registers instead of reloading them
  // after every store (a store through a float* might otherwise have changed them).
  template <bool Hot, bool Lazy, class Access = SharedAccess>
  bool updateRow(uint32_t r, std::string& error) {
    const Features& X = p_.X;
    int32_t begin = 0, end = 0;
    if (!rowBounds(X, r, kTrainName, begin, end, error)) return false;
    const int32_t* indices = X.indices;
    const float* values = X.values;
    const uint32_t cols = static_cast<uint32_t>(X.cols);
    float* const w = w_;
    double* f = factor_.data();
    // The margin in four partial sums (nonzeros q ≡ 0, 1, 2, 3 mod 4 from the row's start): one
    // running sum makes every nonzero wait for the previous add (4 cycles), four overlap them.
    auto term = [&](int32_t q, double& sum) {
      const int32_t j = indices[q];
      if (static_cast<uint32_t>(j) >= cols) return badColumn(X, q, j, kTrainName, error);
      double x = static_cast<double>(Access::load(Hot ? at<Hot>(static_cast<uint32_t>(j)) : w + j));
      if (Lazy) x *= f[j];
      sum += static_cast<double>(values[q]) * x;
      return true;
    };
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int32_t q = begin;
    for (; q + 4 <= end; q += 4)
      if (!term(q, s0) || !term(q + 1, s1) || !term(q + 2, s2) || !term(q + 3, s3)) return false;
    for (; q < end; ++q)
      if (!term(q, s0)) return false;
    double s = (s0 + s1) + (s2 + s3);
    if (p_.objective.bias) s += static_cast<double>(Access::load(w + cols));
    rowDerivative(p_.objective, &s, static_cast<double>(p_.y[r]));  // s becomes dℓ/dm
    const float d = static_cast<float>(s);
    const float mu = static_cast<float>(p_.l2);
    // A hinge row outside the margin has d = 0: with no L2 there is nothing to write.
    if (d == 0.0f && mu == 0.0f) return true;
    // The bounds checked above still hold (they are locals); each index is read and checked again,
    // since JS may have changed the array in between.
    // Null without L2 (and no hot buffer): μ·(1/d_j) is then μ itself (see the plain loop below).
    const float* inverseDegree = p_.inverseDegree;
    auto shrinkOf = [mu, inverseDegree](int32_t j) { return inverseDegree ? mu * inverseDegree[j] : mu; };
    const SharedStep step = step_;  // a local: its fields stay in registers across the stores
    if (Lazy && d == 0.0f) {  // shrink only: the thread's own factors, nothing shared
      const double lr = static_cast<double>(step.lr);
      for (int32_t q = begin; q < end; ++q) {
        const int32_t j = indices[q];
        if (static_cast<uint32_t>(j) >= cols) return badColumn(X, q, j, kTrainName, error);
        f[j] *= 1.0 - lr * static_cast<double>(mu * inverseDegree[j]);
      }
      return true;
    }
    float scratch;  // where updates that change nothing are stored (see SharedStep)
    if (std::is_same<Access, PlainAccess>::value && !Hot && !Lazy && !step.acc && mu == 0.0f) {
      // Plain SGD alone with no L2. μ·(1/d_j) is then a zero of μ's sign (1/d_j is finite and ≥ 0),
      // i.e. μ itself: the loop below's bits without its second random read per nonzero (and the
      // degrees need not be computed at all).
      for (int32_t q = begin; q < end; ++q) {
        const int32_t j = indices[q];
        if (static_cast<uint32_t>(j) >= cols) return badColumn(X, q, j, kTrainName, error);
        const float wi = w[j];
        w[j] = wi - step.lr * (d * values[q] + mu * wi);
      }
      if (p_.objective.bias) step.template apply<Access>(w, X.cols, d, 0.0f, scratch);
      return true;
    }
    for (int32_t q = begin; q < end; ++q) {
      const int32_t j = indices[q];
      if (static_cast<uint32_t>(j) >= cols) return badColumn(X, q, j, kTrainName, error);
      if (Lazy) {
        // The eager update of w_j·f_j, then f_j = 1 (same arithmetic as SharedStep's sgd).
        float* target = at<Hot>(static_cast<uint32_t>(j));
        const float raw = Access::load(target);
        const float wi = static_cast<float>(static_cast<double>(raw) * f[j]);
        f[j] = 1.0;
        const float next = wi - step.lr * (d * values[q] + mu * inverseDegree[j] * wi);
        Access::store(step.skipUnchanged ? selectTarget(bitsDiffer(next, raw), target, &scratch) : target, next);
      } else if (std::is_same<Access, PlainAccess>::value && !step.acc) {
        // plain SGD alone: SharedStep::apply's sgd arithmetic, with its flags out of the loop
        const float wi = w[j];
        w[j] = wi - step.lr * (d * values[q] + shrinkOf(j) * wi);
      } else if (Hot) {  // sgd only (acc is null), so the index into the accumulators is unused
        step.template apply<Access>(at<Hot>(static_cast<uint32_t>(j)), 0, d * values[q], shrinkOf(j), scratch);
      } else {
        step.template apply<Access>(w, static_cast<size_t>(j), d * values[q], shrinkOf(j), scratch);
      }
    }
    if (p_.objective.bias) step.template apply<Access>(w, X.cols, d, 0.0f, scratch);
    return true;
  }

  size_t parameters() const { return p_.X.cols + (p_.objective.bias ? 1 : 0); }

  // Adds this thread's change of each hot weight since the last reload to w, then reloads.
  void flush() {
    sinceFlush_ = 0;
    if (whole_) {
      float* local = local_.data();
      float* base = base_.data();
      const float* inverseDegree = p_.inverseDegree;
      const size_t cols = p_.X.cols, P = parameters();
      // The other thread has written most of these lines since our last flush: ask for them (with
      // intent to write) well ahead, so that the transfers between cores overlap.
      constexpr size_t kAhead = 16 * 16;  // 16 lines
      for (size_t i = 0; i < P; ++i) {
        if (i % 16 == 0 && i + kAhead < P) prefetchLineForWrite(shared_ + i + kAhead);
        if (i < cols && inverseDegree[i] == 0.0f) continue;  // no row has it: never changes
        float fresh = loadShared(shared_ + i);
        if (local[i] != base[i]) {
          fresh += local[i] - base[i];
          storeShared(shared_ + i, fresh);
        }
        local[i] = base[i] = fresh;
      }
      return;
    }
    float* local = local_.data();
    float* base = base_.data();
    double* f = factor_.data();
    const uint32_t H = hot_->size();
    for (uint32_t slot = 0; slot < H; ++slot) {
      const uint32_t j = hot_->featureOf[slot];
      float mine = local[slot];
      if (f && f[j] != 1.0) {
        mine = static_cast<float>(static_cast<double>(mine) * f[j]);
        f[j] = 1.0;
      }
      float fresh = loadShared(shared_ + j);
      if (mine != base[slot]) {
        fresh += mine - base[slot];
        storeShared(shared_ + j, fresh);
      }
      local[slot] = base[slot] = fresh;
    }
  }

  void reload() {
    float* local = local_.data();
    float* base = base_.data();
    if (hot_->everyFeature) {
      for (size_t i = 0; i < parameters(); ++i) local[i] = base[i] = loadShared(shared_ + i);
      return;
    }
    for (uint32_t slot = 0; slot < hot_->size(); ++slot)
      local[slot] = base[slot] = loadShared(shared_ + hot_->featureOf[slot]);
  }

  const SparseLinearProblem& p_;
  float* shared_;  // the weights this thread merges into: shared memory, or its 'private' copy
  float* w_;       // where the loop reads and writes: shared_, or the whole private buffer
  bool whole_ = false;
  bool plain_ = false;  // the plain-memory loop (see updateRow)
  SharedStep step_;
  const HotTable* hot_;
  PrivateArray<double> factor_;  // lazyL2: pending shrink of each feature
  PrivateArray<float> local_;    // hot buffer (H slots, then the dummy slot)
  PrivateArray<float> base_;     // the values copied in at the last reload
  size_t sinceFlush_ = 0;
};

}  // namespace

namespace {

// The row-by-row scan: every row's bounds, then its column indices, in row order; the first bad
// value's message, or "". count(j) is called for every good index.
template <class Count>
std::string scanFeatures(const Features& X, Count count) {
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
      count(static_cast<uint32_t>(j));
    }
  }
  return "";
}

// Whether every row's bounds and every index are good. With good bounds the rows cover
// indices[0, indptr[rows]) in order, so one branch-free pass over the indices (vectorised) says
// whether any is bad; only then is the row-by-row scan needed, to name the first bad value.
bool featuresLookGood(const Features& X) {
  bool rowsGood = true;
  for (size_t r = 0; r < X.rows; ++r) {
    const int32_t begin = X.indptr[r], end = X.indptr[r + 1];
    rowsGood &= begin >= 0 && end >= begin && static_cast<size_t>(end) <= X.nnz;
  }
  if (!rowsGood || static_cast<size_t>(X.indptr[X.rows]) != X.nnz || X.indptr[0] != 0) return false;
  // The OR of the indices is at least their largest value (as unsigned: a negative one sets the top
  // bit), and one instruction per vector where SSE2 has no unsigned max: below cols, every index is
  // good (always so when cols is a power of 2, as with hashed features); else the exact max decides.
  const int32_t* indices = X.indices;
  uint32_t any = 0;
  for (size_t q = 0; q < X.nnz; ++q) any |= static_cast<uint32_t>(indices[q]);
  if (any < X.cols) return true;
  uint32_t largest = 0;
  for (size_t q = 0; q < X.nnz; ++q) largest = std::max(largest, static_cast<uint32_t>(indices[q]));
  return largest < X.cols;
}

}  // namespace

std::string inverseFeatureDegrees(const Features& X, float* out) {
  // The counts go into out itself, as 32-bit integers, then become 1/d_j in place: no second
  // cols-long buffer (fresh pages on every call). memcpy keeps the type punning defined.
  std::fill(out, out + X.cols, 0.0f);  // +0.0f has the bits of the integer 0
  auto bump = [out](uint32_t j) {
    uint32_t d;
    std::memcpy(&d, out + j, sizeof d);
    ++d;
    std::memcpy(out + j, &d, sizeof d);
  };
  // Checked as it counts (JS may change the indices under a running job: no unchecked write).
  const std::string error = scanFeatures(X, bump);
  if (!error.empty()) return error;
  for (size_t j = 0; j < X.cols; ++j) {
    uint32_t d;
    std::memcpy(&d, out + j, sizeof d);
    out[j] = d ? 1.0f / static_cast<float>(d) : 0.0f;
  }
  return "";
}

std::string checkFeatureIndices(const Features& X) {
  if (featuresLookGood(X)) return "";
  return scanFeatures(X, [](uint32_t) {});
}

bool linearNeedsDegrees(const SparseLinearProblem& p) { return p.l2 > 0.0 || p.hotFeatures > 0; }

HogwildOutcome trainLinearEpoch(const SparseLinearProblem& p, const uint32_t* order, size_t n,
                                const HogwildSchedule& schedule) {
  const unsigned T = hogwildThreadCount(schedule, n);
  // Hot buffer and lazy L2: plain SGD only, never in 'sequential' (it stays the plain loop).
  SparseLinearProblem q = p;
  const bool tuned = schedule.mode != HogwildMode::Sequential && !p.step.acc;
  q.lazyL2 = tuned && p.lazyL2 && p.l2 > 0.0;
  q.flushEvery = std::max<size_t>(1, p.flushEvery);
  HotTable hot;
  if (tuned && p.hotFeatures > 0) {
    hot.featureOf = hottestFeatures(p.inverseDegree, p.X.cols, p.hotFeatures);
    hot.slotOf.assign(p.X.cols, hot.size());
    for (uint32_t slot = 0; slot < hot.size(); ++slot) hot.slotOf[hot.featureOf[slot]] = slot;
    size_t touched = 0;
    for (size_t j = 0; j < p.X.cols; ++j) touched += p.inverseDegree[j] > 0.0f ? 1 : 0;
    hot.everyFeature = hot.size() >= touched;
  }
  // One thread writes w: the plain-memory loop. 'locked' keeps the atomic loop even then (the
  // baseline as it runs with more threads; it also lets tests compare the two loops).
  const bool alone = T == 1 && schedule.mode != HogwildMode::Locked;
  if (schedule.mode != HogwildMode::Private || T < 2)
    return runHogwildEpoch(order, n, p.X.rows, schedule,
                           [&](unsigned) { return LinearKernel(q, p.w, p.step.acc, &hot, alone); });
  // 'private': thread t trains copies[t] (and its accumulators); w becomes their mean. Nothing is
  // shared, so no store is worth skipping (the check costs ~15% on its own).
  q.step.skipUnchanged = false;
  const size_t P = p.X.cols + (p.objective.bias ? 1 : 0);
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::vector<float>> copies(T), accs(T);
  for (unsigned t = 0; t < T; ++t) {
    copies[t].resize(P);
    for (size_t i = 0; i < P; ++i) copies[t][i] = loadShared(p.w + i);
    if (p.step.acc) accs[t].assign(p.step.acc, p.step.acc + P);
  }
  HogwildOutcome out = runHogwildEpoch(order, n, p.X.rows, schedule, [&](unsigned t) {
    return LinearKernel(q, copies[t].data(), p.step.acc ? accs[t].data() : nullptr, &hot, true);
  });
  averageInto(copies, p.w, P);
  if (p.step.acc) averageInto(accs, p.step.acc, P);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
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
