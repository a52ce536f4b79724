//===- Distributed.h - Collectives over MPI ---------------------*- C++ -*-===//
//
// adjit::distributed: the rank and world of a job started by mpirun/mpiexec
// and collectives on tensors (all_reduce, broadcast, all_gather, barrier), as
// torch.distributed has them. Without a launcher (or in a build without MPI)
// the process is a world of one and every collective is the identity.
//
// Every collective first exchanges a small header (collective, sequence
// number, dtype, shape, op, root) among the ranks, so that ranks calling
// collectives in a different order or on tensors of different shapes or
// dtypes get an adjit::Error on every rank instead of a hang or corrupted
// data; the header exchange and Work::wait() give up after timeout() seconds.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_DISTRIBUTED_H
#define ADJIT_DISTRIBUTED_H

#include "adjit/Tensor.h"

#include <memory>
#include <vector>

namespace adjit {
namespace distributed {

/// Reductions of all_reduce. Mean is Sum divided by world_size() (floating
/// point only); Max propagates NaN only as MPI_MAX does (not at all).
enum class ReduceOp { Sum, Mean, Max };

/// Joins the job: calls MPI_Init when the process was started by
/// mpirun/mpiexec, else makes a world of one. Idempotent. Throws if the
/// launcher started several processes and adjit was built without MPI.
void init();
/// True after init() and before finalize().
bool is_initialized();
/// Leaves the job (MPI_Finalize). Collectives after it throw.
void finalize();
/// True if this build of adjit links MPI.
bool is_mpi_available();

/// This process's rank in [0, world_size()).
int rank();
/// The number of processes of the job.
int world_size();
/// Blocks until every rank has called barrier().
void barrier();

/// Reduces \p tensor over all ranks in place: afterwards every rank holds
/// the same result. Sum and Max for every dtype (bool: or), Mean for float32
/// and float64. \p tensor must not require grad while grad mode is on.
void all_reduce(const Tensor &tensor, ReduceOp op = ReduceOp::Sum);
/// Overwrites \p tensor on every rank with its value on rank \p root.
void broadcast(const Tensor &tensor, int root = 0);
/// The tensors of all ranks, in rank order (same shape and dtype on every
/// rank).
std::vector<Tensor> all_gather(const Tensor &tensor);

/// A collective in flight (all_reduce_async).
class Work {
public:
  virtual ~Work();
  /// True once the result is in place (lets MPI progress).
  virtual bool is_completed() = 0;
  /// Blocks until the result is in place; throws after timeout() seconds.
  virtual void wait() = 0;
};

/// Starts all_reduce of a contiguous \p tensor (MPI_Iallreduce) and returns
/// at once; the result is in \p tensor after wait(). With \p checked false the
/// cross-rank header check is skipped (the caller guarantees matching calls,
/// as DistributedDataParallel's fixed bucket layout does), so the call does
/// not synchronize the ranks. Collectives still start in the same order on
/// every rank. Mean is not allowed here: divide after wait().
std::shared_ptr<Work> all_reduce_async(const Tensor &tensor,
                                       ReduceOp op = ReduceOp::Sum,
                                       bool checked = true);

/// Seconds a collective waits for the other ranks to join it (and
/// Work::wait() for its result) before it throws (default
/// 300, or the environment variable ADJIT_DISTRIBUTED_TIMEOUT).
double timeout();
void set_timeout(double seconds);

/// Ends the whole job (MPI_Abort) with \p code: what a rank that cannot go
/// on calls so that the others do not wait for it.
[[noreturn]] void abort(int code = 1);

} // namespace distributed
} // namespace adjit

#endif // ADJIT_DISTRIBUTED_H
