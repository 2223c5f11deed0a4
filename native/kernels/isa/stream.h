// The one loop every kernel shares: walk K parallel float arrays V::W lanes at a time, hand the
// lanes to a rule body, store back the arrays named in WriteMask. The tail runs through the same
// body on a zero-padded stack copy, so there is exactly one code path for the math.
#pragma once
#include <cstddef>
#include <type_traits>
#include "../params.h"
#include "vec_scalar.h"

namespace descent {
namespace {

template <class V, unsigned WriteMask, size_t K, class Body>
inline void stream(float* const (&arr)[K], size_t n, const Body& body) {
  size_t i = 0;
  for (; i + V::W <= n; i += V::W) {
    V x[K];
    for (size_t k = 0; k < K; ++k) x[k] = V::load(arr[k] + i);
    body(x);
    for (size_t k = 0; k < K; ++k)
      if ((WriteMask >> k) & 1u) x[k].store(arr[k] + i);
  }
  if (i < n) {
    const size_t rest = n - i;
    float tmp[K][V::W];
    V x[K];
    for (size_t k = 0; k < K; ++k) {
      for (int j = 0; j < V::W; ++j) tmp[k][j] = 0.0f;
      DESCENT_MEMCPY(tmp[k], arr[k] + i, rest * sizeof(float));
      x[k] = V::load(tmp[k]);
    }
    body(x);
    for (size_t k = 0; k < K; ++k)
      if ((WriteMask >> k) & 1u) {
        x[k].store(tmp[k]);
        DESCENT_MEMCPY(arr[k] + i, tmp[k], rest * sizeof(float));
      }
  }
}

// Sparse (lazy) form: for each entry of the sparse gradient, run the body on the touched row.
// arr[G] is replaced by the entry's gradient values; every other array is offset to the row.
// Rows shorter than a vector take the one-lane type, so a coordinate-wise gradient does not pay for
// a padded tail per entry. Body must be generic over the lane type.
template <class V, unsigned WriteMask, size_t G, size_t K, class Body>
inline void stream_sparse(float* const (&arr)[K], const SparseGrad& sg, const Body& body) {
  for (size_t e = 0; e < sg.count; ++e) {
    const size_t base = static_cast<size_t>(sg.idx[e]) * sg.rowLen;
    float* row[K];
    for (size_t k = 0; k < K; ++k)
      row[k] = (k == G) ? const_cast<float*>(sg.vals) + e * sg.rowLen : arr[k] + base;
    if (sg.rowLen < static_cast<size_t>(V::W))
      stream<VScalar, WriteMask & ~(1u << G)>(row, sg.rowLen, body);
    else
      stream<V, WriteMask & ~(1u << G)>(row, sg.rowLen, body);
  }
}

}  // namespace
}  // namespace descent
