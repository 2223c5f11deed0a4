#include "mf.h"

#include <vector>

namespace descent {

namespace {

// Ids are read once into locals and checked before use (JS owns the arrays and may change them
// while a job runs), so no write can land outside the factors. The message is built out of line so
// that the check costs two compares in the hot loop.
[[gnu::noinline, gnu::cold]] bool badId(const Ratings& r, size_t i, const std::string& name, int32_t user,
                                        int32_t item, std::string& error) {
  const bool userBad = user < 0 || static_cast<size_t>(user) >= r.userCount;
  error = name + (userBad ? ".users[" : ".items[") + std::to_string(i) + "] = " + std::to_string(userBad ? user : item) +
          " is outside [0, " + std::to_string(userBad ? r.userCount : r.itemCount) + ")";
  return false;
}

inline bool idsOf(const Ratings& r, size_t i, const std::string& name, size_t& u, size_t& v, std::string& error) {
  const int32_t user = r.users[i], item = r.items[i];
  if (static_cast<uint32_t>(user) >= r.userCount || static_cast<uint32_t>(item) >= r.itemCount)
    return badId(r, i, name, user, item, error);
  u = static_cast<size_t>(user);
  v = static_cast<size_t>(item);
  return true;
}

// L_u·R_v from shared memory; with `keep`, the values read land in keep[0, 2k) (L_u then R_v).
double predict(const MfProblem& p, size_t u, size_t v, float* keep) {
  const size_t k = p.rank;
  const float* L = p.factors + u * k;
  const float* R = p.factors + (p.data.userCount + v) * k;
  double dot = 0.0;
  for (size_t c = 0; c < k; ++c) {
    const float l = loadShared(L + c), r = loadShared(R + c);
    if (keep) {
      keep[c] = l;
      keep[k + c] = r;
    }
    dot += static_cast<double>(l) * static_cast<double>(r);
  }
  return dot;
}

const std::string kTrainName = "data";

bool updateRating(const MfProblem& p, uint32_t i, std::string& error) {
  size_t u = 0, v = 0;
  if (!idsOf(p.data, i, kTrainName, u, v, error)) return false;
  // The factors as read: both gradients use them, so L_u's update does not leak into R_v's.
  thread_local std::vector<float> read;
  const size_t k = p.rank;
  if (read.size() < 2 * k) read.resize(2 * k);
  const float e = static_cast<float>(predict(p, u, v, read.data()) - static_cast<double>(p.data.values[i]));
  const size_t rowL = u * k, rowR = (p.data.userCount + v) * k;
  const float regL = static_cast<float>(p.l2) * p.inverseDegree[u];
  const float regR = static_cast<float>(p.l2) * p.inverseDegree[p.data.userCount + v];
  float scratch;  // where updates that change nothing are stored (see SharedStep)
  for (size_t c = 0; c < k; ++c) {
    p.step.apply(p.factors, rowL + c, e * read[k + c], regL, scratch);
    p.step.apply(p.factors, rowR + c, e * read[c], regR, scratch);
  }
  return true;
}

// The Kernel runHogwildEpoch drives (parallel/hogwild.h): ratings come in shuffled order, so the
// triple and then the two factor rows it names are fetched a few ratings ahead (the rows in the
// near stage already: they need no extra pass over the data to find).
struct MfKernel {
  MfProblem p;  // a copy: in 'private' mode each thread's points at its own factors
  bool update(uint32_t i, std::string& error) const { return updateRating(p, i, error); }
  void finish() {}
  void prefetchFar(uint32_t i) const {
    prefetchLine(p.data.users + i);
    prefetchLine(p.data.items + i);
    prefetchLine(p.data.values + i);
  }
  void prefetchNear(uint32_t i) const {
    const int32_t u = p.data.users[i], v = p.data.items[i];
    if (u < 0 || static_cast<size_t>(u) >= p.data.userCount || v < 0 || static_cast<size_t>(v) >= p.data.itemCount)
      return;
    const size_t k = p.rank;
    const float* L = p.factors + static_cast<size_t>(u) * k;
    const float* R = p.factors + (p.data.userCount + static_cast<size_t>(v)) * k;
    // Both factor rows are read, then written: ask for them with intent to write.
    for (size_t c = 0; c < k; c += 16) {
      prefetchLineForWrite(L + c);
      prefetchLineForWrite(R + c);
      if (p.step.acc) {
        prefetchLineForWrite(p.step.acc + (L - p.factors) + c);
        prefetchLineForWrite(p.step.acc + (R - p.factors) + c);
      }
    }
    prefetchLineForWrite(L + k - 1);  // a row that starts mid-line ends on one more
    prefetchLineForWrite(R + k - 1);
    prefetchLine(p.inverseDegree + u);
    prefetchLine(p.inverseDegree + p.data.userCount + v);
  }
};

}  // namespace

std::string inverseRatingDegrees(const Ratings& r, float* out) {
  std::vector<uint32_t> degree(r.userCount + r.itemCount, 0);
  std::string error;
  for (size_t i = 0; i < r.count; ++i) {
    size_t u = 0, v = 0;
    if (!idsOf(r, i, kTrainName, u, v, error)) return error;
    ++degree[u];
    ++degree[r.userCount + v];
  }
  for (size_t i = 0; i < degree.size(); ++i) out[i] = degree[i] ? 1.0f / static_cast<float>(degree[i]) : 0.0f;
  return "";
}

HogwildOutcome trainMfEpoch(const MfProblem& p, const uint32_t* order, size_t n, const HogwildSchedule& schedule) {
  const unsigned T = hogwildThreadCount(schedule, n);
  if (schedule.mode != HogwildMode::Private || T < 2)
    return runHogwildEpoch(order, n, p.data.count, schedule, [&](unsigned) { return MfKernel{p}; });
  // 'private': thread t trains its own copy of the factors (and accumulators); then their mean.
  const size_t P = (p.data.userCount + p.data.itemCount) * p.rank;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::vector<float>> copies(T), accs(T);
  for (unsigned t = 0; t < T; ++t) {
    copies[t].resize(P);
    for (size_t i = 0; i < P; ++i) copies[t][i] = loadShared(p.factors + i);
    if (p.step.acc) accs[t].assign(p.step.acc, p.step.acc + P);
  }
  HogwildOutcome out = runHogwildEpoch(order, n, p.data.count, schedule, [&](unsigned t) {
    MfKernel k{p};
    k.p.step.skipUnchanged = false;  // nothing shared: no store is worth skipping
    k.p.factors = copies[t].data();
    if (p.step.acc) k.p.step.acc = accs[t].data();
    return k;
  });
  averageInto(copies, p.factors, P);
  if (p.step.acc) averageInto(accs, p.step.acc, P);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

std::string evaluateMf(const MfProblem& p, const Ratings& r, unsigned T, const std::string& name, MfEvaluation& out) {
  std::string error;
  auto range = [&](size_t begin, size_t end, MfEvaluation& part, std::string& err) {
    for (size_t i = begin; i < end; ++i) {
      size_t u = 0, v = 0;
      if (!idsOf(r, i, name, u, v, err)) return false;
      const double e = predict(p, u, v, nullptr) - static_cast<double>(r.values[i]);
      part.squaredErrorSum += e * e;
    }
    part.count += end - begin;
    return true;
  };
  out = MfEvaluation{};
  sumOverRanges(r.count, T, range, out, error);
  return error;
}

double mfRegularisation(const MfProblem& p) {
  if (p.l2 == 0.0) return 0.0;
  const size_t rows = p.data.userCount + p.data.itemCount, k = p.rank;
  double sum = 0.0;
  for (size_t row = 0; row < rows; ++row) {
    if (p.inverseDegree[row] == 0.0f) continue;
    for (size_t c = 0; c < k; ++c) {
      const double x = loadShared(p.factors + row * k + c);
      sum += x * x;
    }
  }
  return 0.5 * p.l2 * sum;
}

}  // namespace descent
