// The one loop every kernel shares: walk K parallel float arrays V::W lanes at a time, hand the
// lanes to a rule body, store back the arrays named in WriteMask. The tail runs through the same
// body on a zero-padded stack copy, so there is exactly one code path for the math.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include "../params.h"
#include "vec_scalar.h"

namespace descent {
namespace {

// Runs the body on elements [i, i + count) of every array, count < V::W, through a zero-padded
// stack copy, so partial vectors take exactly the same path as full ones.
template <class V, unsigned WriteMask, size_t K, class Body>
inline void stream_partial(float* const (&arr)[K], size_t i, size_t count, const Body& body) {
  float tmp[K][V::W];
  V x[K];
  for (size_t k = 0; k < K; ++k) {
    for (int j = 0; j < V::W; ++j) tmp[k][j] = 0.0f;
    DESCENT_MEMCPY(tmp[k], arr[k] + i, count * sizeof(float));
    x[k] = V::load(tmp[k]);
  }
  body(x);
  for (size_t k = 0; k < K; ++k)
    if ((WriteMask >> k) & 1u) {
      x[k].store(tmp[k]);
      DESCENT_MEMCPY(arr[k] + i, tmp[k], count * sizeof(float));
    }
}

template <class V, unsigned WriteMask, size_t K, class Body>
inline void stream(float* const (&arr)[K], size_t n, const Body& body) {
  size_t i = 0;
  // Peel a head so the first array's full-vector accesses start on a 64-byte line: V8 places large
  // typed arrays 16 bytes past a line, and unaligned AVX-512 accesses then split every line (up to
  // 3x slower at 1e7). Lanes are independent, so the split does not change any result.
  if (V::W > 1 && n >= 4 * static_cast<size_t>(V::W)) {
    const size_t misalign = reinterpret_cast<uintptr_t>(arr[0]) % 64;
    if (misalign % sizeof(float) == 0 && misalign != 0) {
      const size_t head = (64 - misalign) / sizeof(float) % static_cast<size_t>(V::W);
      if (head) stream_partial<V, WriteMask>(arr, 0, head, body);
      i = head;
    }
  }
  for (; i + V::W <= n; i += V::W) {
    V x[K];
    for (size_t k = 0; k < K; ++k) x[k] = V::load(arr[k] + i);
    body(x);
    for (size_t k = 0; k < K; ++k)
      if ((WriteMask >> k) & 1u) x[k].store(arr[k] + i);
  }
  if (i < n) stream_partial<V, WriteMask>(arr, i, n - i, body);
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
