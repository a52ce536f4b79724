//===- CompiledCollectives.h - collectives of compiled code -----*- C++ -*-===//
//
// The runtime behind the adjit dialect's collectives: the functions that
// code compiled from `adjit.all_reduce`, `adjit.all_reduce_start` and
// `adjit.all_reduce_wait` calls (registered with the JIT as the BLAS
// runtime is), and the timestamps they record, from which the share of the
// communication hidden behind computation follows.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_DISTRIBUTED_COMPILEDCOLLECTIVES_H
#define ADJIT_DISTRIBUTED_COMPILEDCOLLECTIVES_H

#include "adjit/Distributed.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adjit::distributed {

/// When one all-reduce of compiled code started and completed, in seconds
/// since the last reset_compiled_collective_stats().
struct CompiledCollectiveTiming {
  int64_t bytes = 0;
  /// The start call (MPI_Iallreduce issued).
  double started = 0;
  /// The wait call: the computation between start and wait overlapped the
  /// transfer.
  double waitCalled = 0;
  /// The wait returned: the result is in place.
  double completed = 0;
};

/// The all-reduces compiled code ran since the last
/// reset_compiled_collective_stats().
struct CompiledCollectiveStats {
  std::vector<CompiledCollectiveTiming> collectives;
  /// Seconds compiled code spent blocked in waits (the communication not
  /// hidden behind computation).
  double waitedSeconds() const;
  /// Seconds from the first start to the last wait call (the window in
  /// which the transfers could overlap computation).
  double overlapWindowSeconds() const;
};

/// Returns the all-reduces of compiled code since the last reset.
CompiledCollectiveStats compiled_collective_stats();
/// Forgets the recorded all-reduces and restarts the clock.
void reset_compiled_collective_stats();

namespace detail {

/// Starts MPI_Iallreduce of `count` elements of `dtype` at `data` in place
/// (Sum or Max), without the cross-rank header check, and returns at once;
/// in a world of one the returned Work is complete. Throws adjit::Error
/// before init() and for Mean.
std::shared_ptr<Work> startAllReduce(void *data, int64_t count, Dtype dtype,
                                     ReduceOp op);

/// The C-interface symbols that compiled collectives call
/// (mlir/adjit/Conversion/AdjitToLinalg/RuntimeFunctions.h), with their
/// addresses in this process. Compiled code cannot unwind: a collective
/// that fails (a timeout, adjit built without MPI under a launcher of
/// several processes) prints `adjit: rank R: <error>` and ends the job with
/// distributed::abort(), so that no rank waits for it forever.
std::vector<std::pair<std::string, void *>> getCompiledCollectiveSymbols();

} // namespace detail
} // namespace adjit::distributed

#endif // ADJIT_DISTRIBUTED_COMPILEDCOLLECTIVES_H
