//===- Distributed.cpp - Collectives over MPI -----------------------------===//

#include "adjit/Distributed.h"
#include "adjit/Autograd.h"
#include "adjit/Distributed/CompiledCollectives.h"

#include "TensorImpl.h"

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sched.h>
#include <string>

#ifdef ADJIT_HAVE_MPI
// The C API only: OpenMPI's and MPICH's deprecated C++ bindings would need
// their own library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

using namespace adjit;
using namespace adjit::distributed;

namespace {

/// The collectives, as they are named in the header and in messages.
enum class Collective : int64_t { Barrier, AllReduce, Broadcast, AllGather };

const char *collectiveName(Collective c) {
  switch (c) {
  case Collective::Barrier:
    return "barrier";
  case Collective::AllReduce:
    return "all_reduce";
  case Collective::Broadcast:
    return "broadcast";
  case Collective::AllGather:
    return "all_gather";
  }
  return "?";
}

const char *opName(ReduceOp op) {
  switch (op) {
  case ReduceOp::Sum:
    return "sum";
  case ReduceOp::Mean:
    return "mean";
  case ReduceOp::Max:
    return "max";
  }
  return "?";
}

struct World {
  bool initialized = false;
  bool finalized = false;
  bool usesMpi = false;
  int rank = 0;
  int size = 1;
  /// Number of collectives started by this process.
  uint64_t sequence = 0;
  double timeoutSeconds = -1;
};

World &world() {
  static World w;
  return w;
}

/// The size of the job as the launcher announces it in the environment
/// (OpenMPI, MPICH/Hydra, PMIx), or 0 if no launcher started the process.
int launcherWorldSize() {
  for (const char *var :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"})
    if (const char *v = std::getenv(var))
      return std::atoi(v);
  if (std::getenv("PMIX_RANK"))
    return 1;
  return 0;
}

void checkInitialized(const char *op) {
  const World &w = world();
  if (!w.initialized)
    throw Error(std::string(op) +
                (w.finalized ? ": called after distributed::finalize()"
                             : ": called before distributed::init()"));
}

#ifdef ADJIT_HAVE_MPI
MPI_Datatype mpiType(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return MPI_FLOAT;
  case Dtype::Float64:
    return MPI_DOUBLE;
  case Dtype::Int64:
    return MPI_INT64_T;
  case Dtype::Bool:
    return MPI_C_BOOL;
  }
  return MPI_DATATYPE_NULL;
}

MPI_Op mpiOp(ReduceOp op, Dtype dtype) {
  if (dtype == Dtype::Bool)
    return MPI_LOR;
  return op == ReduceOp::Max ? MPI_MAX : MPI_SUM;
}

/// Waits for \p request, letting MPI progress, for at most timeout() seconds.
void waitFor(MPI_Request &request, const char *op, uint64_t sequence) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done)
      return;
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (elapsed > timeout())
      throw Error(std::string(op) + ": timed out after " +
                  std::to_string(static_cast<int>(timeout())) +
                  " s waiting for the other ranks at collective #" +
                  std::to_string(sequence) +
                  "; a rank failed, stopped calling collectives or called "
                  "them in a different order");
    sched_yield();
  }
}
#endif

int checkedCount(const char *op, int64_t numel) {
  if (numel > INT_MAX)
    throw Error(std::string(op) + ": tensors of more than " +
                std::to_string(INT_MAX) + " elements are not supported, got " +
                std::to_string(numel));
  return static_cast<int>(numel);
}

/// What every rank says about a collective before it runs it.
constexpr int kMaxHeaderDims = 8;
struct Header {
  int64_t sequence, collective, dtype, op, root, rank, dims;
  int64_t shape[kMaxHeaderDims];
};
constexpr int kHeaderWords = sizeof(Header) / sizeof(int64_t);

Header makeHeader(Collective c, const Tensor *t, int64_t op, int64_t root) {
  Header h{};
  h.sequence = static_cast<int64_t>(world().sequence);
  h.collective = static_cast<int64_t>(c);
  h.op = op;
  h.root = root;
  h.dtype = t ? static_cast<int64_t>(t->dtype()) : -1;
  h.dims = t ? t->dim() : -1;
  if (t) {
    // Dims past the last header slot are folded into it.
    for (int64_t d = 0; d < t->dim(); ++d) {
      int64_t slot = std::min<int64_t>(d, kMaxHeaderDims - 1);
      h.shape[slot] = slot == d ? t->size(d) : h.shape[slot] * t->size(d);
    }
  }
  return h;
}

std::string headerShape(const Header &h) {
  Shape s(h.shape, h.shape + std::min<int64_t>(h.dims, kMaxHeaderDims));
  return shapeToString(s);
}

/// Exchanges \p mine with every rank and throws the same Error on every rank
/// if the ranks disagree about the collective (order, dtype, shape, op,
/// root). Once the headers agree every rank is in the same collective, so
/// the data then moves with MPI's blocking (tuned) collectives: only this
/// exchange needs a timeout.
void checkAcrossRanks(const char *op, const Header &mine) {
#ifdef ADJIT_HAVE_MPI
  World &w = world();
  if (!w.usesMpi || w.size == 1)
    return;
  std::vector<Header> all(w.size);
  MPI_Request request;
  MPI_Iallgather(&mine, kHeaderWords, MPI_INT64_T, all.data(), kHeaderWords,
                 MPI_INT64_T, MPI_COMM_WORLD, &request);
  waitFor(request, op, mine.sequence);
  const Header &first = all[0];
  for (int r = 1; r < w.size; ++r) {
    const Header &h = all[r];
    auto pair = [&](const std::string &a, const std::string &b) {
      return ": rank 0 has " + a + ", rank " + std::to_string(r) + " has " + b;
    };
    if (h.sequence != first.sequence || h.collective != first.collective)
      throw Error(
          std::string(op) +
          ": ranks called collectives in a different order: rank 0 called " +
          collectiveName(static_cast<Collective>(first.collective)) + " #" +
          std::to_string(first.sequence) + ", rank " + std::to_string(r) +
          " called " + collectiveName(static_cast<Collective>(h.collective)) +
          " #" + std::to_string(h.sequence));
    if (h.dtype != first.dtype)
      throw Error(std::string(op) + ": dtype differs across ranks" +
                  pair(dtypeName(static_cast<Dtype>(first.dtype)),
                       dtypeName(static_cast<Dtype>(h.dtype))));
    bool sameShape = h.dims == first.dims;
    for (int d = 0; d < kMaxHeaderDims; ++d)
      sameShape &= h.shape[d] == first.shape[d];
    if (!sameShape)
      throw Error(std::string(op) + ": shape differs across ranks" +
                  pair(headerShape(first), headerShape(h)));
    if (h.op != first.op)
      throw Error(std::string(op) + ": reduce op differs across ranks" +
                  pair(opName(static_cast<ReduceOp>(first.op)),
                       opName(static_cast<ReduceOp>(h.op))));
    if (h.root != first.root)
      throw Error(std::string(op) + ": root differs across ranks" +
                  pair(std::to_string(first.root), std::to_string(h.root)));
  }
#else
  (void)op;
  (void)mine;
#endif
}

/// Checks common to the in-place collectives on a tensor.
void checkTensor(const char *op, const Tensor &t) {
  checkInitialized(op);
  checkDefined(op, t);
  if (GradMode::is_enabled() && t.requires_grad())
    throw Error(std::string(op) +
                ": the collective writes its result in place into a tensor "
                "that requires grad, which autograd cannot follow; call it "
                "under NoGradGuard or on tensor.detach()");
}

/// A contiguous tensor holding \p t's values: \p t itself if it is
/// contiguous.
Tensor contiguousBuffer(const Tensor &t) {
  return t.is_contiguous() ? t : t.contiguous();
}

/// Writes \p buffer back into \p t (if it is a copy) and bumps \p t's
/// version, as in-place ops do.
void finishInPlace(const Tensor &t, const Tensor &buffer) {
  if (!buffer.is_same(t))
    copyData(*t.unsafeGetImpl(), *buffer.unsafeGetImpl());
  ++t.unsafeGetImpl()->storage->version;
}

void checkReduceDtype(const char *op, const Tensor &t, ReduceOp reduce) {
  if (reduce == ReduceOp::Mean && !t.is_floating_point())
    throw Error(std::string(op) +
                ": mean needs a float32 or float64 tensor, got " +
                dtypeName(t.dtype()));
}

#ifdef ADJIT_HAVE_MPI
class MpiWork final : public Work {
public:
  MpiWork(MPI_Request request, Tensor keepAlive, uint64_t sequence)
      : request_(request), keepAlive_(std::move(keepAlive)),
        sequence_(sequence) {}
  ~MpiWork() override {
    // A request dropped unfinished must still complete before its buffer
    // goes; MPI offers no cancel for collectives. If the other ranks never
    // come, the buffer is leaked rather than freed under MPI's feet.
    if (done_ || !world().initialized)
      return;
    try {
      waitFor(request_, "all_reduce_async", sequence_);
    } catch (const Error &) {
      if (keepAlive_.defined())
        new Tensor(keepAlive_);
    }
  }
  bool is_completed() override {
    if (!done_) {
      int flag = 0;
      MPI_Test(&request_, &flag, MPI_STATUS_IGNORE);
      done_ = flag != 0;
    }
    return done_;
  }
  void wait() override {
    if (done_)
      return;
    waitFor(request_, "all_reduce_async", sequence_);
    done_ = true;
    if (keepAlive_.defined())
      ++keepAlive_.unsafeGetImpl()->storage->version;
  }

private:
  MPI_Request request_;
  Tensor keepAlive_;
  uint64_t sequence_;
  bool done_ = false;
};
#endif

class CompletedWork final : public Work {
public:
  bool is_completed() override { return true; }
  void wait() override {}
};

[[noreturn]] void terminateJob() {
  // An uncaught exception on one rank ends the whole job instead of leaving
  // the other ranks waiting in a collective.
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception &ex) {
      std::fprintf(stderr, "adjit: rank %d: uncaught exception: %s\n",
                   world().rank, ex.what());
    } catch (...) {
      std::fprintf(stderr, "adjit: rank %d: uncaught exception\n",
                   world().rank);
    }
  }
  distributed::abort(1);
}

void finalizeAtExit() {
  if (world().initialized)
    finalize();
}

} // namespace

//===----------------------------------------------------------------------===//
// World
//===----------------------------------------------------------------------===//

Work::~Work() = default;

bool distributed::is_mpi_available() {
#ifdef ADJIT_HAVE_MPI
  return true;
#else
  return false;
#endif
}

void distributed::init() {
  World &w = world();
  if (w.initialized)
    return;
  if (w.finalized)
    throw Error("distributed::init: called after distributed::finalize(); "
                "MPI cannot be initialized twice");
  int launched = launcherWorldSize();
#ifdef ADJIT_HAVE_MPI
  if (launched > 0) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    w.usesMpi = true;
    std::set_terminate(terminateJob);
  }
#else
  if (launched > 1)
    throw Error("distributed::init: the launcher started " +
                std::to_string(launched) +
                " processes but adjit was built without MPI; install "
                "libopenmpi-dev (scripts/install-deps.sh) and rebuild");
#endif
  w.initialized = true;
  static bool registered = false;
  if (!registered) {
    std::atexit(finalizeAtExit);
    registered = true;
  }
}

bool distributed::is_initialized() { return world().initialized; }

void distributed::finalize() {
  World &w = world();
  if (!w.initialized)
    return;
#ifdef ADJIT_HAVE_MPI
  if (w.usesMpi)
    MPI_Finalize();
#endif
  w.initialized = false;
  w.finalized = true;
}

int distributed::rank() {
  checkInitialized("distributed::rank");
  return world().rank;
}

int distributed::world_size() {
  checkInitialized("distributed::world_size");
  return world().size;
}

double distributed::timeout() {
  World &w = world();
  if (w.timeoutSeconds < 0) {
    const char *env = std::getenv("ADJIT_DISTRIBUTED_TIMEOUT");
    w.timeoutSeconds = env ? std::atof(env) : 300.0;
    if (w.timeoutSeconds <= 0)
      w.timeoutSeconds = 300.0;
  }
  return w.timeoutSeconds;
}

void distributed::set_timeout(double seconds) {
  if (!(seconds > 0))
    throw Error("distributed::set_timeout: the timeout must be positive, got " +
                std::to_string(seconds));
  world().timeoutSeconds = seconds;
}

void distributed::abort(int code) {
#ifdef ADJIT_HAVE_MPI
  if (world().usesMpi && world().initialized)
    MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::_Exit(code);
}

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

void distributed::barrier() {
  checkInitialized("barrier");
  Header h = makeHeader(Collective::Barrier, nullptr, 0, 0);
  ++world().sequence;
  // The header exchange, an allgather, is the barrier.
  checkAcrossRanks("barrier", h);
}

void distributed::all_reduce(const Tensor &tensor, ReduceOp op) {
  checkTensor("all_reduce", tensor);
  Header h =
      makeHeader(Collective::AllReduce, &tensor, static_cast<int64_t>(op), 0);
  ++world().sequence;
  checkAcrossRanks("all_reduce", h);
  checkReduceDtype("all_reduce", tensor, op);
  int count = checkedCount("all_reduce", tensor.numel());
  Tensor buffer = contiguousBuffer(tensor);
#ifdef ADJIT_HAVE_MPI
  if (world().usesMpi && count > 0) {
    MPI_Allreduce(MPI_IN_PLACE, buffer.unsafeGetImpl()->bytes(), count,
                  mpiType(tensor.dtype()), mpiOp(op, tensor.dtype()),
                  MPI_COMM_WORLD);
  }
#else
  (void)count;
#endif
  if (op == ReduceOp::Mean && world().size > 1) {
    NoGradGuard noGrad;
    buffer.div_(static_cast<double>(world().size));
  }
  finishInPlace(tensor, buffer);
}

std::shared_ptr<Work> distributed::all_reduce_async(const Tensor &tensor,
                                                    ReduceOp op, bool checked) {
  checkTensor("all_reduce_async", tensor);
  if (!tensor.is_contiguous())
    throw Error("all_reduce_async: the tensor must be contiguous, got shape " +
                shapeToString(tensor.sizes()) + " with strides " +
                shapeToString(tensor.strides()));
  if (op == ReduceOp::Mean)
    throw Error("all_reduce_async: mean is not supported; reduce with sum "
                "and divide by world_size() after wait()");
  Header h =
      makeHeader(Collective::AllReduce, &tensor, static_cast<int64_t>(op), 0);
  ++world().sequence;
  if (checked)
    checkAcrossRanks("all_reduce_async", h);
  int count = checkedCount("all_reduce_async", tensor.numel());
#ifdef ADJIT_HAVE_MPI
  if (world().usesMpi && count > 0) {
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, tensor.unsafeGetImpl()->bytes(), count,
                   mpiType(tensor.dtype()), mpiOp(op, tensor.dtype()),
                   MPI_COMM_WORLD, &request);
    return std::make_shared<MpiWork>(request, tensor, h.sequence);
  }
#else
  (void)count;
#endif
  return std::make_shared<CompletedWork>();
}

void distributed::broadcast(const Tensor &tensor, int root) {
  checkTensor("broadcast", tensor);
  Header h = makeHeader(Collective::Broadcast, &tensor, 0, root);
  ++world().sequence;
  checkAcrossRanks("broadcast", h);
  if (root < 0 || root >= world().size)
    throw Error("broadcast: root " + std::to_string(root) +
                " is not a rank of a world of " + std::to_string(world().size));
  int count = checkedCount("broadcast", tensor.numel());
  Tensor buffer = contiguousBuffer(tensor);
#ifdef ADJIT_HAVE_MPI
  if (world().usesMpi && count > 0) {
    MPI_Bcast(buffer.unsafeGetImpl()->bytes(), count, mpiType(tensor.dtype()),
              root, MPI_COMM_WORLD);
  }
#else
  (void)count;
#endif
  finishInPlace(tensor, buffer);
}

std::vector<Tensor> distributed::all_gather(const Tensor &tensor) {
  checkInitialized("all_gather");
  checkDefined("all_gather", tensor);
  Header h = makeHeader(Collective::AllGather, &tensor, 0, 0);
  ++world().sequence;
  checkAcrossRanks("all_gather", h);
  int count = checkedCount("all_gather", tensor.numel());
  int size = world().size;
  Tensor input = contiguousBuffer(tensor.detach());
  Shape gatheredShape = tensor.sizes();
  gatheredShape.insert(gatheredShape.begin(), size);
  Tensor gathered = makeEmpty(gatheredShape, tensor.dtype());
  if (size == 1) {
    copyData(*gathered.unsafeGetImpl(), *input.unsafeGetImpl());
  } else if (count > 0) {
#ifdef ADJIT_HAVE_MPI
    MPI_Allgather(input.unsafeGetImpl()->bytes(), count,
                  mpiType(tensor.dtype()), gathered.unsafeGetImpl()->bytes(),
                  count, mpiType(tensor.dtype()), MPI_COMM_WORLD);
#endif
  }
  std::vector<Tensor> result;
  for (int r = 0; r < size; ++r)
    result.push_back(gathered.select(0, r));
  return result;
}

std::shared_ptr<Work> distributed::detail::startAllReduce(void *data,
                                                          int64_t count,
                                                          Dtype dtype,
                                                          ReduceOp op) {
  checkInitialized("all_reduce");
  if (op == ReduceOp::Mean)
    throw Error("all_reduce: mean is not started by MPI; reduce with sum and "
                "divide by world_size() after the wait");
  int elements = checkedCount("all_reduce", count);
  uint64_t sequence = world().sequence++;
#ifdef ADJIT_HAVE_MPI
  if (world().usesMpi && elements > 0) {
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, data, elements, mpiType(dtype),
                   mpiOp(op, dtype), MPI_COMM_WORLD, &request);
    return std::make_shared<MpiWork>(request, Tensor(), sequence);
  }
#else
  (void)data;
  (void)elements;
  (void)dtype;
  (void)sequence;
#endif
  return std::make_shared<CompletedWork>();
}
