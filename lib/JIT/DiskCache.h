//===- DiskCache.h - compiled object code kept on disk ----------*- C++ -*-===//
//
// The persistent cache of the JIT: the object code of each compiled module,
// stored under a name that covers the module, the pipeline options, the
// adjit build, the LLVM version and the host CPU, so that a later process
// loads it instead of lowering and generating code again.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_DISKCACHE_H
#define ADJIT_LIB_JIT_DISKCACHE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace adjit::jit::detail {

/// A directory of cache entries, one file per compiled module, each written
/// atomically (to a unique temporary file, then renamed) and checked on
/// every load (magic, size, checksum and key), with the least recently used
/// entries evicted beyond a size cap. Every failure of the disk (a missing,
/// read-only or full directory, a corrupted entry) is logged under ADJIT_LOG
/// and leaves the caller to compile as if the entry did not exist.
class DiskCache {
public:
  /// A cache in `directory` (created on the first store) holding at most
  /// `maxBytes`.
  DiskCache(std::string directory, uint64_t maxBytes);

  /// Returns the object code stored for `engineKey`, or null if there is no
  /// valid entry. A hit marks the entry as recently used.
  std::unique_ptr<llvm::MemoryBuffer> load(llvm::StringRef engineKey) const;

  /// Stores `object` for `engineKey`, then evicts the least recently used
  /// entries beyond the cap. Returns whether the entry was written and kept.
  bool store(llvm::StringRef engineKey, llvm::StringRef object) const;

  /// Deletes the entry of `engineKey`, if there is one (e.g. one superseded
  /// by better code stored under another key).
  void remove(llvm::StringRef engineKey) const;

private:
  /// The path of the entry named `name` (see entryName in DiskCache.cpp).
  std::string pathOf(llvm::StringRef name) const;
  void evictBeyondCap(const std::string &justWritten) const;

  std::string directory;
  uint64_t maxBytes;
};

/// The directory of the cache when the user sets none: $ADJIT_CACHE_DIR, else
/// $XDG_CACHE_HOME/adjit, else $HOME/.cache/adjit; empty (no disk cache) if
/// ADJIT_CACHE=0 or no directory can be named.
std::string getDefaultDiskCacheDirectory();

/// The cap when the user sets none: $ADJIT_CACHE_MAX_MB megabytes, else 1024
/// MB.
uint64_t getDefaultDiskCacheMaxBytes();

/// What, besides the module and the options, the object code depends on:
/// the LLVM version, the host CPU name and features, and the identity of the
/// adjit code itself (the GNU build ID of the binary or shared library that
/// contains it, or its path, size and modification time).
const std::string &getHostAndBuildIdentity();

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_DISKCACHE_H
