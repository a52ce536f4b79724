//===- Tier.h - the tiers of compiled code ----------------------*- C++ -*-===//

#ifndef ADJIT_JIT_TIER_H
#define ADJIT_JIT_TIER_H

namespace adjit::jit {

/// The code of a compiled module: compiled fast (a cheap LLVM pipeline and
/// code generation), or fully optimized.
enum class Tier {
  /// Code that compiles fast and runs slower (EngineOptions::fastOptLevel).
  Fast,
  /// Code optimized at EngineOptions::optLevel.
  Optimized,
};

/// Which tiers an engine compiles (EngineOptions::tiering).
enum class Tiering {
  /// The fast tier only: no background compiles.
  FastOnly,
  /// The fast tier first, replaced by the optimized tier compiled on a
  /// background thread.
  Tiered,
  /// The optimized tier only, compiled before the first call.
  OptimizedOnly,
};

/// Returns "fast" or "optimized".
inline const char *getTierName(Tier tier) {
  return tier == Tier::Fast ? "fast" : "optimized";
}

} // namespace adjit::jit

#endif // ADJIT_JIT_TIER_H
