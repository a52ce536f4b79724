//===- CompiledCollectives.cpp - collectives called by compiled code ------===//
//
// Compiled code starts an all-reduce on a buffer of its own and gets back a
// request number; the wait looks the request up, completes it and, for a
// mean, divides by the number of ranks. Every start also polls the requests
// still in flight, so that MPI's progress engine moves them along while the
// compiled code computes between its calls.
//
//===----------------------------------------------------------------------===//

#include "adjit/Distributed/CompiledCollectives.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>

using namespace adjit;
using namespace adjit::distributed;

namespace {

using Clock = std::chrono::steady_clock;

/// The layout of a 1-d memref descriptor (mlir's StridedMemRefType<T, 1>).
template <typename T> struct FlatMemRef {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
};

/// ReduceKind of the adjit dialect, as the lowering passes it.
enum class Kind : int64_t { Sum = 0, Mean = 1, Max = 2 };

struct InFlight {
  std::shared_ptr<Work> work;
  void *data;
  int64_t count;
  Dtype dtype;
  bool mean;
  size_t timing;
};

struct Runtime {
  std::mutex mutex;
  int64_t nextRequest = 1;
  std::map<int64_t, InFlight> inFlight;
  Clock::time_point epoch = Clock::now();
  CompiledCollectiveStats stats;

  double now() const {
    return std::chrono::duration<double>(Clock::now() - epoch).count();
  }
};

Runtime &runtime() {
  static Runtime r;
  return r;
}

[[noreturn]] void fail(const char *what) {
  int rank = is_initialized() ? distributed::rank() : 0;
  std::fprintf(stderr, "adjit: rank %d: compiled all_reduce: %s\n", rank, what);
  std::fflush(stderr);
  distributed::abort(1);
}

int64_t start(void *data, int64_t count, Dtype dtype, int64_t kind) {
  Runtime &r = runtime();
  std::lock_guard<std::mutex> lock(r.mutex);
  try {
    // Compiled code joins the job as the eager collectives' init() does;
    // without a launcher it is a world of one.
    if (!is_initialized())
      init();
    for (auto &[id, request] : r.inFlight)
      request.work->is_completed();
    ReduceOp op =
        static_cast<Kind>(kind) == Kind::Max ? ReduceOp::Max : ReduceOp::Sum;
    CompiledCollectiveTiming timing;
    timing.bytes = count * static_cast<int64_t>(elementSize(dtype));
    timing.started = r.now();
    std::shared_ptr<Work> work = detail::startAllReduce(data, count, dtype, op);
    r.stats.collectives.push_back(timing);
    int64_t id = r.nextRequest++;
    r.inFlight[id] = {std::move(work),
                      data,
                      count,
                      dtype,
                      static_cast<Kind>(kind) == Kind::Mean,
                      r.stats.collectives.size() - 1};
    return id;
  } catch (const std::exception &e) {
    fail(e.what());
  }
}

template <typename T> void divide(void *data, int64_t count, int ranks) {
  T *values = static_cast<T *>(data);
  for (int64_t i = 0; i < count; ++i)
    values[i] /= static_cast<T>(ranks);
}

void wait(int64_t id) {
  Runtime &r = runtime();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.inFlight.find(id);
  if (it == r.inFlight.end())
    fail(
        ("no all-reduce in flight with request " + std::to_string(id)).c_str());
  InFlight request = std::move(it->second);
  r.inFlight.erase(it);
  double called = r.now();
  try {
    request.work->wait();
  } catch (const std::exception &e) {
    fail(e.what());
  }
  int ranks = world_size();
  if (request.mean && ranks > 1) {
    // As the eager all_reduce: the sum divided by the number of ranks.
    if (request.dtype == Dtype::Float32)
      divide<float>(request.data, request.count, ranks);
    else
      divide<double>(request.data, request.count, ranks);
  }
  CompiledCollectiveTiming &timing = r.stats.collectives[request.timing];
  timing.waitCalled = called;
  timing.completed = r.now();
}

} // namespace

double CompiledCollectiveStats::waitedSeconds() const {
  double waited = 0;
  for (const CompiledCollectiveTiming &c : collectives)
    waited += c.completed - c.waitCalled;
  return waited;
}

double CompiledCollectiveStats::overlapWindowSeconds() const {
  if (collectives.empty())
    return 0;
  double last = 0;
  for (const CompiledCollectiveTiming &c : collectives)
    last = std::max(last, c.waitCalled);
  return last - collectives.front().started;
}

CompiledCollectiveStats distributed::compiled_collective_stats() {
  Runtime &r = runtime();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.stats;
}

void distributed::reset_compiled_collective_stats() {
  Runtime &r = runtime();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.stats = {};
  r.epoch = Clock::now();
}

extern "C" {
int64_t _mlir_ciface_adjit_all_reduce_start_f32(FlatMemRef<float> *buffer,
                                                int64_t kind) {
  return start(buffer->aligned + buffer->offset, buffer->sizes[0],
               Dtype::Float32, kind);
}
int64_t _mlir_ciface_adjit_all_reduce_start_f64(FlatMemRef<double> *buffer,
                                                int64_t kind) {
  return start(buffer->aligned + buffer->offset, buffer->sizes[0],
               Dtype::Float64, kind);
}
int64_t _mlir_ciface_adjit_all_reduce_start_i64(FlatMemRef<int64_t> *buffer,
                                                int64_t kind) {
  return start(buffer->aligned + buffer->offset, buffer->sizes[0], Dtype::Int64,
               kind);
}
void adjit_all_reduce_wait(int64_t request) { wait(request); }
}

std::vector<std::pair<std::string, void *>>
distributed::detail::getCompiledCollectiveSymbols() {
  return {
      {"_mlir_ciface_adjit_all_reduce_start_f32",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_all_reduce_start_f32)},
      {"_mlir_ciface_adjit_all_reduce_start_f64",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_all_reduce_start_f64)},
      {"_mlir_ciface_adjit_all_reduce_start_i64",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_all_reduce_start_i64)},
      {"adjit_all_reduce_wait",
       reinterpret_cast<void *>(&adjit_all_reduce_wait)},
  };
}
