#include "hogwild_generate.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "../data/xoshiro.h"
#include "hogwild.h"

namespace descent {

namespace {

constexpr size_t kBlock = 1024;  // rows or ratings per random stream

enum Phase : uint64_t { Lengths = 1, FeatureOrder, Truth, Rows, Labels, UserOrder, ItemOrder, Factors, Triples };

Xoshiro128 stream(uint64_t seed, Phase phase, uint64_t block) {
  uint32_t state[4];
  seedXoshiro128(seed ^ (static_cast<uint64_t>(phase) << 56) ^ (block * 0xD1B54A32D192ED03ull), state);
  return Xoshiro128(state);
}

// In (0, 1]: safe for log().
double uniform(Xoshiro128& rng) { return (static_cast<double>(rng.next() >> 8) + 1.0) * (1.0 / 16777216.0); }

double gaussian(Xoshiro128& rng) {
  const double u = uniform(rng), v = uniform(rng);
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

// Vose's alias method: O(1) draws from a fixed discrete distribution.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights) : prob_(weights.size()), alias_(weights.size()) {
    const size_t n = weights.size();
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<double> scaled(n);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = static_cast<float>(scaled[s]);
      alias_[s] = l;
      scaled[l] -= 1.0 - scaled[s];
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t i : large) prob_[i] = 1.0f, alias_[i] = i;
    for (uint32_t i : small) prob_[i] = 1.0f, alias_[i] = i;  // rounding leftovers
  }
  // The column comes from a multiply-shift of one 32-bit draw (Lemire's map, without his rejection
  // step): its bias is below n/2^32, irrelevant for synthetic data and 2 divisions per draw cheaper
  // than Xoshiro128::below.
  uint32_t draw(Xoshiro128& rng) const {
    const uint32_t i = static_cast<uint32_t>((static_cast<uint64_t>(rng.next()) * prob_.size()) >> 32);
    return static_cast<float>(rng.next() >> 8) * (1.0f / 16777216.0f) < prob_[i] ? i : alias_[i];
  }

 private:
  std::vector<float> prob_;
  std::vector<uint32_t> alias_;
};

// A seeded permutation of [0, n): popularity rank → id.
std::vector<uint32_t> permutation(size_t n, uint64_t seed, Phase phase) {
  std::vector<uint32_t> p(n);
  std::iota(p.begin(), p.end(), 0u);
  uint32_t state[4];
  Xoshiro128 rng = stream(seed, phase, 0);
  rng.save(state);
  shuffleIndices(p.data(), n, state);
  return p;
}

// Zipf weights p(rank) ∝ (rank + 1)^−exponent placed at a seeded permutation of the ids, so the
// popular ids are spread out (as in real data) and an alias table over them draws ids directly.
std::vector<double> zipfByPermutedId(size_t n, double exponent, uint64_t seed, Phase phase) {
  const std::vector<uint32_t> idOfRank = permutation(n, seed, phase);
  std::vector<double> byId(n);
  for (size_t r = 0; r < n; ++r) byId[idOfRank[r]] = std::pow(static_cast<double>(r + 1), -exponent);
  return byId;
}

// Fills indices[q, to) with distinct features not yet taken, drawn one after another with
// probability proportional to their weights among those left: the distribution the rejection
// loop samples from, without its unbounded redraws. Efraimidis-Spirakis: each unused feature j gets
// the key ln(u)/w_j (u uniform in (0, 1]) and the largest keys win; a feature of weight 0 (its
// Zipf weight underflowed) ranks below every other and ties break by id. O(cols) per call.
int32_t drawAmongUnused(const std::vector<double>& weights, std::vector<char>& taken, Xoshiro128& rng,
                        int32_t* indices, int32_t q, int32_t to, std::vector<std::pair<double, uint32_t>>& keys) {
  keys.clear();
  for (size_t j = 0; j < weights.size(); ++j) {
    if (taken[j]) continue;
    const double lnU = std::log(uniform(rng));
    keys.emplace_back(weights[j] > 0 ? lnU / weights[j] : -HUGE_VAL, static_cast<uint32_t>(j));
  }
  const size_t need = std::min(keys.size(), static_cast<size_t>(to - q));
  const auto byKey = [](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(need), keys.end(), byKey);
  for (size_t k = 0; k < need; ++k) {
    taken[keys[k].second] = 1;
    indices[q++] = static_cast<int32_t>(keys[k].second);
  }
  return q;
}

// Runs fn(block) for every block of [0, n) in kBlock steps on T threads (blocks handed out in
// order through an atomic counter). Returns false when cancelled.
template <class Fn>
bool forEachBlock(size_t n, unsigned T, const std::atomic<bool>* cancel, const Fn& fn) {
  const size_t blocks = (n + kBlock - 1) / kBlock;
  std::atomic<size_t> next{0};
  T = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(T, blocks)));
  runOnThreads(T, [&](unsigned) {
    for (;;) {
      if (cancel && cancel->load(std::memory_order_relaxed)) return;
      const size_t b = next.fetch_add(1);
      if (b >= blocks) return;
      fn(b, b * kBlock, std::min(n, (b + 1) * kBlock));
    }
  });
  return !(cancel && cancel->load());
}

}  // namespace

int64_t sparseRowLengths(const SparseSetSpec& spec, int32_t* indptr) {
  const double sigma = spec.lengthSpread;
  const double mu = std::log(std::max(1.0, spec.meanNonzeros)) - 0.5 * sigma * sigma;
  int64_t nnz = 0;
  indptr[0] = 0;
  if (spec.cols == 0) {  // no features: every row is empty
    for (size_t r = 0; r < spec.rows; ++r) indptr[r + 1] = 0;
    return 0;
  }
  for (size_t b = 0; b * kBlock < spec.rows; ++b) {
    Xoshiro128 rng = stream(spec.seed, Lengths, b);
    const size_t end = std::min(spec.rows, (b + 1) * kBlock);
    for (size_t r = b * kBlock; r < end; ++r) {
      const double draw = std::round(std::exp(mu + sigma * gaussian(rng)));
      const int64_t length = static_cast<int64_t>(std::clamp(draw, 1.0, static_cast<double>(spec.cols)));
      nnz += length;
      if (nnz > INT32_MAX) return -1;
      indptr[r + 1] = static_cast<int32_t>(nnz);
    }
  }
  return nnz;
}

bool fillSparseSet(const SparseSetSpec& spec, SparseSetArrays& out, const std::atomic<bool>* cancel) {
  const size_t cols = spec.cols, rows = spec.rows;
  if (cols == 0 || rows == 0) {
    std::fill(out.labels, out.labels + rows, 0.0f);
    std::fill(out.truth, out.truth + cols, 0.0f);
    return true;
  }
  const std::vector<double> byId = zipfByPermutedId(cols, spec.exponent, spec.seed, FeatureOrder);
  const AliasTable features(byId);
  // idf of a feature from its expected document frequency: rarer features weigh more.
  const double totalWeight = std::accumulate(byId.begin(), byId.end(), 0.0);
  std::vector<float> idf(cols);
  for (size_t j = 0; j < cols; ++j) {
    const double share = std::min(1.0, byId[j] / totalWeight * spec.meanNonzeros);
    idf[j] = static_cast<float>(std::log(1.0 + 1.0 / share));
  }
  {
    Xoshiro128 rng = stream(spec.seed, Truth, 0);
    for (size_t j = 0; j < cols; ++j)
      out.truth[j] = uniform(rng) <= spec.truthDensity ? static_cast<float>(gaussian(rng)) : 0.0f;
  }

  // Misses a row's rejection loop may spend before drawAmongUnused (O(cols)) takes over, so a
  // row costs O(length + cols) draws at worst. (8 cols: rows below a large share of cols stay on
  // the rejection path, and their output is what it was before the budget existed.)
  const size_t missBudget = 8 * cols + 256;

  // Rows; labels[r] holds the raw margin x·w* until the labelling pass below.
  const bool filled = forEachBlock(rows, spec.threads, cancel, [&](size_t b, size_t begin, size_t end) {
    Xoshiro128 rng = stream(spec.seed, Rows, b);
    // taken[j]: feature j is already in the current row. All false between rows (each row clears
    // its own marks), so the buffer carries over between blocks and calls without a reset.
    thread_local std::vector<char> taken;
    if (taken.size() < cols) taken.assign(cols, 0);
    std::vector<std::pair<double, uint32_t>> keys;  // drawAmongUnused's scratch
    for (size_t r = begin; r < end; ++r) {
      const int32_t from = out.indptr[r], to = out.indptr[r + 1];
      // The binding checked indptr, but JS owns it: a row changed since then is left alone rather
      // than written out of bounds (or drawn forever when longer than cols).
      if (from < 0 || to < from || static_cast<size_t>(to) > out.nnz || static_cast<size_t>(to - from) > cols) {
        out.labels[r] = 0.0f;
        continue;
      }
      if (cancel && cancel->load(std::memory_order_relaxed)) return;
      // Rejection: redraw until an unused feature comes up. A row holding most of a steep law's
      // mass would redraw almost forever (KB9), so past a budget of misses the rest of the row is
      // drawn directly among the unused features instead; rows that stay within the budget (all
      // of them at typical settings) come out as before.
      size_t misses = 0;
      int32_t q = from;
      while (q < to && misses <= missBudget) {
        const uint32_t j = features.draw(rng);
        if (taken[j]) {
          ++misses;
          continue;
        }
        taken[j] = 1;
        out.indices[q++] = static_cast<int32_t>(j);
      }
      if (q < to) q = drawAmongUnused(byId, taken, rng, out.indices, q, to, keys);
      for (int32_t q = from; q < to; ++q) taken[out.indices[q]] = 0;
      std::sort(out.indices + from, out.indices + to);
      double norm = 0.0;
      for (int32_t q = from; q < to; ++q) {
        // Term frequency: geometric with mean 2, like word counts in short documents.
        double tf = 1.0;
        while ((rng.next() & 1u) && tf < 64.0) tf += 1.0;
        const double v = (1.0 + std::log(tf)) * idf[out.indices[q]];
        out.values[q] = static_cast<float>(v);
        norm += v * v;
      }
      const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
      double m = 0.0;
      for (int32_t q = from; q < to; ++q) {
        out.values[q] = static_cast<float>(out.values[q] * scale);
        m += static_cast<double>(out.values[q]) * out.truth[out.indices[q]];
      }
      out.labels[r] = static_cast<float>(m);
    }
  });
  if (!filled) return false;

  std::vector<float> sorted(out.labels, out.labels + rows);
  std::nth_element(sorted.begin(), sorted.begin() + rows / 2, sorted.end());
  const double median = sorted[rows / 2];
  double meanSq = 0.0;
  for (size_t r = 0; r < rows; ++r) meanSq += (out.labels[r] - median) * (out.labels[r] - median);
  const double sd = std::sqrt(meanSq / static_cast<double>(rows));
  std::vector<float>().swap(sorted);
  out.bias = -median;
  return forEachBlock(rows, spec.threads, cancel, [&](size_t b, size_t begin, size_t end) {
    Xoshiro128 rng = stream(spec.seed, Labels, b);
    for (size_t r = begin; r < end; ++r) {
      const double m = out.labels[r] - median;
      if (spec.regression) {
        out.labels[r] = static_cast<float>(m + spec.noiseStd * sd * gaussian(rng));
      } else {
        const bool flip = uniform(rng) <= spec.labelNoise;
        out.labels[r] = ((m > 0) != flip) ? 1.0f : -1.0f;
      }
    }
  });
}

bool fillRatings(const RatingsSpec& spec, int32_t* users, int32_t* items, float* ratings,
                 const std::atomic<bool>* cancel) {
  if (spec.count == 0) return true;
  const size_t k = spec.rank, U = spec.users;
  const AliasTable userDraws(zipfByPermutedId(spec.users, spec.userExponent, spec.seed, UserOrder));
  const AliasTable itemDraws(zipfByPermutedId(spec.items, spec.itemExponent, spec.seed, ItemOrder));
  // Hidden factors: N(0, 1/sqrt(k)) entries make L*_u·R*_v a sum of k terms of variance 1/k.
  std::vector<float> truth((spec.users + spec.items) * k);
  const double scale = k ? std::pow(static_cast<double>(k), -0.25) : 0.0;
  if (!forEachBlock(spec.users + spec.items, spec.threads, cancel, [&](size_t b, size_t begin, size_t end) {
        Xoshiro128 rng = stream(spec.seed, Factors, b);
        for (size_t i = begin * k; i < end * k; ++i) truth[i] = static_cast<float>(scale * gaussian(rng));
      }))
    return false;
  return forEachBlock(spec.count, spec.threads, cancel, [&](size_t b, size_t begin, size_t end) {
    Xoshiro128 rng = stream(spec.seed, Triples, b);
    for (size_t i = begin; i < end; ++i) {
      const uint32_t u = userDraws.draw(rng), v = itemDraws.draw(rng);
      const float* L = truth.data() + u * k;
      const float* R = truth.data() + (U + v) * k;
      double dot = 0.0;
      for (size_t c = 0; c < k; ++c) dot += static_cast<double>(L[c]) * R[c];
      users[i] = static_cast<int32_t>(u);
      items[i] = static_cast<int32_t>(v);
      ratings[i] = static_cast<float>(spec.mean + dot + spec.noise * gaussian(rng));
    }
  });
}

}  // namespace descent
