//===- Philox.h - the counter-based generator of dropout --------*- C++ -*-===//
//
// Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3", SC 2011): a bijection of a 128-bit counter under a 64-bit key. The
// eager runtime computes dropout masks with it, and the lowering of
// `adjit.dropout_mask` emits the same rounds as `arith` ops, so eager and
// compiled code draw identical bits from the same (seed, offset). Plain
// C++17, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_PHILOX_H
#define ADJIT_SEMANTICS_PHILOX_H

#include <array>
#include <cstdint>

namespace adjit::semantics::philox {

/// The round multipliers and the key increments (Weyl sequence).
constexpr uint32_t kMultiplier0 = 0xD2511F53u;
constexpr uint32_t kMultiplier1 = 0xCD9E8D57u;
constexpr uint32_t kKeyIncrement0 = 0x9E3779B9u;
constexpr uint32_t kKeyIncrement1 = 0xBB67AE85u;
constexpr int kRounds = 10;

/// Philox-4x32-10 of `counter` under `key`.
inline std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter,
                                          std::array<uint32_t, 2> key) {
  for (int round = 0; round < kRounds; ++round) {
    if (round > 0) {
      key[0] += kKeyIncrement0;
      key[1] += kKeyIncrement1;
    }
    uint64_t product0 = uint64_t(kMultiplier0) * counter[0];
    uint64_t product1 = uint64_t(kMultiplier1) * counter[2];
    auto hi0 = uint32_t(product0 >> 32), lo0 = uint32_t(product0);
    auto hi1 = uint32_t(product1 >> 32), lo1 = uint32_t(product1);
    counter = {hi1 ^ counter[1] ^ key[0], lo1, hi0 ^ counter[3] ^ key[1], lo0};
  }
  return counter;
}

/// The 32 random bits of element `index` of the stream (seed, offset): the
/// first word of Philox of the counter (offset + index) (64 bits, low word
/// first, upper two words zero) under the key seed (low word first).
inline uint32_t randomBits(uint64_t seed, uint64_t offset, uint64_t index) {
  uint64_t counter = offset + index;
  return philox4x32({uint32_t(counter), uint32_t(counter >> 32), 0u, 0u},
                    {uint32_t(seed), uint32_t(seed >> 32)})[0];
}

/// A uniform sample in [0, 1) from 32 random bits: their upper 24 bits
/// times 2^-24, exact in float and double.
inline double uniformFromBits(uint32_t bits) {
  return double(bits >> 8) * 0x1.0p-24;
}

/// Whether dropout with probability `p` keeps the element with the random
/// bits `bits`: its uniform sample is below 1 - p (so p = 0 keeps every
/// element and p = 1 none).
inline bool dropoutKeeps(uint32_t bits, double p) {
  return uniformFromBits(bits) < 1.0 - p;
}

/// The value dropout multiplies a kept element by: 1 / (1 - p), computed in
/// double (the element type's rounding of it is the mask's value).
inline double dropoutScale(double p) { return 1.0 / (1.0 - p); }

} // namespace adjit::semantics::philox

#endif // ADJIT_SEMANTICS_PHILOX_H
