#include "xoshiro.h"

namespace descent {

namespace {

uint64_t splitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

void seedXoshiro128(uint64_t seed, uint32_t state[4]) {
  uint64_t x = seed;
  const uint64_t a = splitMix64(x), b = splitMix64(x);
  state[0] = static_cast<uint32_t>(a);
  state[1] = static_cast<uint32_t>(a >> 32);
  state[2] = static_cast<uint32_t>(b);
  state[3] = static_cast<uint32_t>(b >> 32);
  if ((state[0] | state[1] | state[2] | state[3]) == 0) state[0] = 1;  // unreachable in practice
}

void shuffleIndices(uint32_t* a, size_t n, uint32_t state[4]) {
  Xoshiro128 rng(state);
  for (size_t i = n; i > 1; --i) {
    const size_t j = rng.below(static_cast<uint32_t>(i));
    const uint32_t tmp = a[i - 1];
    a[i - 1] = a[j];
    a[j] = tmp;
  }
  rng.save(state);
}

}  // namespace descent
