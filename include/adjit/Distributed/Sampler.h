//===- Sampler.h - Splitting a dataset over the ranks -----------*- C++ -*-===//

#ifndef ADJIT_DISTRIBUTED_SAMPLER_H
#define ADJIT_DISTRIBUTED_SAMPLER_H

#include <cstdint>
#include <optional>
#include <vector>

namespace adjit {
namespace data {

/// The share of a dataset of size() samples that one rank trains on, as
/// PyTorch's DistributedSampler: every rank gets num_samples() indices,
/// rank, rank + num_replicas, ... of a (shuffled, with shuffle) order of the
/// dataset. Unless drop_last, the order is padded with its first indices so
/// that it divides evenly (some samples are seen twice per epoch); with
/// drop_last the tail is dropped instead. Shuffling depends on seed + epoch
/// only, so every rank computes the same order.
class DistributedSampler {
public:
  /// \p numReplicas and \p rank default to distributed::world_size() and
  /// distributed::rank().
  DistributedSampler(int64_t datasetSize,
                     std::optional<int> numReplicas = std::nullopt,
                     std::optional<int> rank = std::nullopt,
                     bool shuffle = true, uint64_t seed = 0,
                     bool dropLast = false);
  /// Makes the next indices() use a new order (call once per epoch).
  void set_epoch(uint64_t epoch) { epoch_ = epoch; }
  /// The dataset indices of this rank for the current epoch.
  std::vector<int64_t> indices() const;
  /// This rank's indices in batches of \p batchSize; the last batch holds
  /// what is left (it may be smaller).
  std::vector<std::vector<int64_t>> batches(int64_t batchSize) const;
  /// Number of indices per rank.
  int64_t num_samples() const { return numSamples_; }
  int64_t size() const { return datasetSize_; }

private:
  int64_t datasetSize_;
  int numReplicas_;
  int rank_;
  bool shuffle_;
  uint64_t seed_;
  uint64_t epoch_ = 0;
  int64_t numSamples_;
};

} // namespace data
} // namespace adjit

#endif // ADJIT_DISTRIBUTED_SAMPLER_H
