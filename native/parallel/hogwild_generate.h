// Seeded synthetic data at the scale of the Hogwild! paper's experiments, written into arrays the
// caller (JS) allocated: an RCV1-like sparse classification/regression set and a Netflix-like ratings
// set. (These generators sit next to the Hogwild loops because they exist to feed them.)
//
// Determinism: every block of rows (or ratings) draws from its own xoshiro128** stream keyed by
// (seed, phase, block), so the output depends on the seed and the sizes only, never on the number of
// threads or on timing.
//
// RCV1-like rows: row lengths are log-normal around `meanNonzeros` (spread σ = lengthSpread), capped
// to [1, cols]; the distinct features of a row are drawn from a Zipf law p(rank) ∝ (rank + 1)^−exponent
// over a seeded permutation of the feature ids (so popular features are not the low ids), sorted;
// values are TF-IDF-like, (1 + ln tf)·idf, and each row is scaled to unit L2 norm, as RCV1's are.
// Labels come from a hidden sparse linear model w* (a `truthDensity` fraction of features get a N(0, 1)
// weight; the rest 0) with margin m = x·w* − median(m): classification takes sign(m) and flips it with
// probability labelNoise; regression takes m + noiseStd·sd(m)·N(0, 1).
//
// Netflix-like ratings: user and item of each rating are drawn from Zipf laws (exponents userExponent,
// itemExponent) over permuted ids; the rating is mean + L*_u·R*_v + noise·N(0, 1) with hidden factors
// of rank `rank` whose entries are N(0, 1/sqrt(rank)), so the low-rank part has unit variance. The
// same (user, item) pair may occur twice, as in sampled data.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace descent {

struct SparseSetSpec {
  size_t rows = 0, cols = 0;
  double meanNonzeros = 75.0;
  double lengthSpread = 0.5;
  double exponent = 1.0;
  double truthDensity = 0.2;
  bool regression = false;
  double labelNoise = 0.05;  // classification: probability of flipping a label
  double noiseStd = 0.1;     // regression: noise as a fraction of the margin's standard deviation
  uint64_t seed = 0;
  unsigned threads = 1;
};

struct SparseSetArrays {
  int32_t* indptr = nullptr;   // rows + 1 (filled by sparseRowLengths)
  size_t nnz = 0;
  int32_t* indices = nullptr;  // nnz
  float* values = nullptr;     // nnz
  float* labels = nullptr;     // rows
  float* truth = nullptr;      // cols: w*
  double bias = 0.0;           // out: −median(x·w*), the truth's intercept
};

// Phase 1: row lengths into indptr[0, rows + 1) as a CSR prefix sum; returns nnz, or -1 if it would
// exceed 2^31 − 1 (Int32 indices).
int64_t sparseRowLengths(const SparseSetSpec& spec, int32_t* indptr);

// Phase 2: indices, values, labels and truth, given indptr from phase 1. Returns false when cancelled.
bool fillSparseSet(const SparseSetSpec& spec, SparseSetArrays& out, const std::atomic<bool>* cancel);

struct RatingsSpec {
  size_t users = 0, items = 0, count = 0, rank = 5;
  double userExponent = 0.6, itemExponent = 0.9;
  double mean = 3.6, noise = 0.5;
  uint64_t seed = 0;
  unsigned threads = 1;
};

// Fills users, items (ids) and ratings, each `count` long. Returns false when cancelled.
bool fillRatings(const RatingsSpec& spec, int32_t* users, int32_t* items, float* ratings,
                 const std::atomic<bool>* cancel);

}  // namespace descent
