// xoshiro128** (Blackman & Vigna, 2018): a 32-bit generator with 128 bits of state, chosen because
// every step is 32-bit integer arithmetic, so the TypeScript twin (lib/data/shuffle.ts) reproduces
// it bit for bit without BigInt. The state lives in caller memory (a Uint32Array of 4 words in JS)
// so training can checkpoint it; it must not be all zeros.
#pragma once
#include <cstddef>
#include <cstdint>

namespace descent {

class Xoshiro128 {
 public:
  explicit Xoshiro128(const uint32_t state[4]) : s_{state[0], state[1], state[2], state[3]} {}
  void save(uint32_t state[4]) const {
    for (int i = 0; i < 4; ++i) state[i] = s_[i];
  }

  uint32_t next() {
    const uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }

  // Uniform in [0, n), n ≥ 1, without modulo bias: draws in the incomplete last block of 2^32
  // (the top 2^32 mod n values) are drawn again, so the accepted range is a whole number of copies
  // of [0, n). Same rule as the TS twin and as lib/train/random.ts.
  uint32_t below(uint32_t n) {
    const uint32_t incomplete = (0u - n) % n;  // 2^32 mod n
    for (;;) {
      const uint32_t x = next();
      if (x <= UINT32_MAX - incomplete) return x % n;
    }
  }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t s_[4];
};

// The 4-word state for a seed: two SplitMix64 outputs (the seeding the xoshiro authors recommend),
// low word first. Never all zeros.
void seedXoshiro128(uint64_t seed, uint32_t state[4]);

// Fisher–Yates in place (i from n−1 down to 1 swaps a[i] with a[below(i + 1)]), advancing state.
void shuffleIndices(uint32_t* a, size_t n, uint32_t state[4]);

}  // namespace descent
