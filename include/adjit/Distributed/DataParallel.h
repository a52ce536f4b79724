//===- DataParallel.h - Eager distributed data parallel ---------*- C++ -*-===//
//
// nn::parallel::DistributedDataParallel: one replica of a module per rank,
// kept identical by averaging the gradients over the ranks during backward().
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_DISTRIBUTED_DATAPARALLEL_H
#define ADJIT_DISTRIBUTED_DATAPARALLEL_H

#include "adjit/Distributed.h"
#include "adjit/NN.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace adjit {
namespace nn {
namespace parallel {

/// Options of DistributedDataParallel (PyTorch's names).
class DistributedDataParallelOptions {
public:
  /// Capacity of a gradient bucket in MiB (default 25, as PyTorch). A
  /// parameter larger than that gets a bucket of its own; 0 puts every
  /// parameter in its own bucket.
  DistributedDataParallelOptions &bucket_cap_mb(double v) {
    return bucketCapMb_ = v, *this;
  }
  /// Broadcast the module's buffers from rank 0 before every forward()
  /// (default true, as PyTorch).
  DistributedDataParallelOptions &broadcast_buffers(bool v) {
    return broadcastBuffers_ = v, *this;
  }
  double bucket_cap_mb() const { return bucketCapMb_; }
  bool broadcast_buffers() const { return broadcastBuffers_; }

private:
  double bucketCapMb_ = 25;
  bool broadcastBuffers_ = true;
};

/// What the last backward() did to communicate (for benchmarks and tests).
struct DistributedDataParallelStats {
  /// Buckets all-reduced by the last backward().
  size_t buckets = 0;
  /// Buckets whose all-reduce started while backward was still running.
  size_t bucketsStartedInBackward = 0;
  /// Seconds from the first bucket's start to the end of backward's
  /// computation (communication that could overlap computation).
  double overlapSeconds = 0;
  /// Seconds backward() waited for all-reduces after its computation
  /// (communication not hidden behind computation).
  double exposedSeconds = 0;
};

/// Data-parallel training of \p module over the ranks of
/// adjit::distributed, as PyTorch's DistributedDataParallel: construction
/// broadcasts the parameters and buffers from rank 0; every backward() that
/// reaches the parameters averages their gradients over the ranks. Gradients
/// are packed, in reverse registration order (the order backward produces
/// them), into buckets of at most bucket_cap_mb; a bucket's MPI_Iallreduce
/// starts as soon as all its gradients have been accumulated and the buckets
/// before it have started, so communication overlaps the rest of backward,
/// which waits for the buckets at its end. A parameter that got no gradient
/// on a rank takes part with zeros and receives the average. All ranks must
/// run the same number of backward passes.
class DistributedDataParallel {
public:
  explicit DistributedDataParallel(std::shared_ptr<Module> module,
                                   DistributedDataParallelOptions options = {});
  template <typename Impl>
  explicit DistributedDataParallel(const ModuleHolder<Impl> &module,
                                   DistributedDataParallelOptions options = {})
      : DistributedDataParallel(std::shared_ptr<Module>(module.ptr()),
                                options) {}
  ~DistributedDataParallel();
  DistributedDataParallel(const DistributedDataParallel &) = delete;
  DistributedDataParallel &operator=(const DistributedDataParallel &) = delete;

  /// Broadcasts the buffers (if broadcast_buffers) and runs the module's
  /// forward. Calling the module directly works as well: gradients are
  /// averaged either way.
  Tensor forward(const Tensor &input);
  Tensor operator()(const Tensor &input) { return forward(input); }

  /// Averages the parameters' current grad() over the ranks now, bucket by
  /// bucket, as backward() does: for gradients that backward() did not
  /// produce, e.g. those jit::compile'd functions write. Every rank must
  /// call it.
  void all_reduce_gradients();

  /// The wrapped module.
  const std::shared_ptr<Module> &module() const { return module_; }
  /// The parameters of the module.
  std::vector<Tensor> parameters() const { return module_->parameters(); }
  /// The indices of each bucket's parameters among the parameters that
  /// require grad, in the order the buckets are all-reduced.
  const std::vector<std::vector<size_t>> &bucket_indices() const;
  /// What the last backward() did.
  const DistributedDataParallelStats &last_stats() const;

private:
  struct State;
  std::shared_ptr<Module> module_;
  DistributedDataParallelOptions options_;
  std::unique_ptr<State> state_;
};

} // namespace parallel

using parallel::DistributedDataParallel;
using parallel::DistributedDataParallelOptions;
using parallel::DistributedDataParallelStats;

} // namespace nn
} // namespace adjit

#endif // ADJIT_DISTRIBUTED_DATAPARALLEL_H
