//===- DistributedBench.cpp - Collectives and data-parallel steps ---------===//
//
// Run alone (a world of one) and under `mpiexec -np 2` (scripts/bench.sh
// does both when mpiexec is found). Prints, on rank 0:
//   - all-reduce time and bandwidth against message size: MPI_Allreduce
//     alone, adjit's all_reduce (with its cross-rank header check) and
//     all_reduce_async + wait (unchecked, as the data-parallel buckets);
//   - the eager data-parallel MLP step, strong scaling (global batch fixed)
//     and weak scaling (batch per rank fixed), with how much of the gradient
//     all-reduce the overlap with backward hid;
//   - the same step as one compiled function per rank (jit::TrainStep with
//     CompileOptions::distributed), with the share of the all-reduce time
//     hidden behind backward, from the start / wait / completion timestamps
//     of the compiled all-reduces.
// One thread per rank: set OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1.
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "../common.h"
#include "adjit/Distributed/CompiledCollectives.h"
#include "adjit/JIT.h"
#include "adjit/adjit.h"

#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdio>

using namespace adjit;
namespace dist = adjit::distributed;
namespace F = adjit::nn::functional;

namespace {

/// The median over ranks-synchronized repetitions, the same on every rank
/// (the maximum over ranks of each rank's median).
template <typename Run> double syncedSeconds(Run run, int samples) {
  Tensor t = scalar_tensor(adjit::bench::medianSeconds(
                               [&] {
                                 dist::barrier();
                                 run();
                               },
                               samples),
                           kFloat64);
  dist::all_reduce(t, dist::ReduceOp::Max);
  return t.item();
}

void allReduceTable() {
  if (dist::world_size() < 2)
    return;
  if (dist::rank() == 0) {
    std::printf("all-reduce of float32, %d ranks (median; bandwidth = "
                "bytes / time)\n",
                dist::world_size());
    std::printf("%10s %14s %14s %14s %12s\n", "bytes", "MPI_Allreduce",
                "all_reduce", "async+wait", "MPI GB/s");
  }
  for (int64_t count = 256; count <= (int64_t(1) << 22); count *= 4) {
    Tensor t = ones({count});
    int samples = count >= (1 << 20) ? 10 : 50;
    double mpi = syncedSeconds(
        [&] {
          MPI_Allreduce(MPI_IN_PLACE, t.data_ptr<float>(),
                        static_cast<int>(count), MPI_FLOAT, MPI_SUM,
                        MPI_COMM_WORLD);
        },
        samples);
    double adjitTime = syncedSeconds([&] { dist::all_reduce(t); }, samples);
    double async = syncedSeconds(
        [&] { dist::all_reduce_async(t, dist::ReduceOp::Sum, false)->wait(); },
        samples);
    double bytes = count * 4.0;
    if (dist::rank() == 0)
      std::printf("%10.0f %11.1f us %11.1f us %11.1f us %12.2f\n", bytes,
                  mpi * 1e6, adjitTime * 1e6, async * 1e6, bytes / mpi / 1e9);
  }
}

/// All-reduces of buffers of \p bytes each, started together and waited
/// for (the communication of a step with nothing to overlap).
double allReduceAlone(const std::vector<int64_t> &bytes) {
  std::vector<Tensor> flat;
  for (int64_t b : bytes)
    flat.push_back(zeros({b / 4}));
  return syncedSeconds(
      [&] {
        std::vector<std::shared_ptr<dist::Work>> works;
        for (const Tensor &t : flat)
          works.push_back(
              dist::all_reduce_async(t, dist::ReduceOp::Sum, false));
        for (auto &w : works)
          w->wait();
      },
      20);
}

/// The MLP 256-512-512-10 (tanh) both steps train, seeded alike on every
/// rank.
nn::Sequential makeMlp() {
  manual_seed(0);
  return nn::Sequential(nn::Linear(256, 512), nn::Tanh(), nn::Linear(512, 512),
                        nn::Tanh(), nn::Linear(512, 10));
}

struct StepFigures {
  double stepSeconds;
  double exposedSeconds;
  double commSeconds;
  size_t buckets;
};

/// The eager MLP step on \p batchPerRank rows per rank.
StepFigures mlpStep(int64_t batchPerRank, double bucketCapMb) {
  nn::Sequential net = makeMlp();
  nn::DistributedDataParallel ddp(
      net, nn::DistributedDataParallelOptions().bucket_cap_mb(bucketCapMb));
  optim::SGD opt(net->parameters(), optim::SGDOptions(0.01));
  Tensor x = randn({batchPerRank, 256}), y = randn({batchPerRank, 10});
  double exposed = 0;
  int steps = 0;
  auto step = [&] {
    opt.zero_grad();
    F::mse_loss(ddp(x), y).backward();
    opt.step();
    exposed += ddp.last_stats().exposedSeconds;
    ++steps;
  };
  StepFigures f;
  f.stepSeconds = syncedSeconds(step, 20);
  f.exposedSeconds = exposed / steps;
  f.buckets = ddp.last_stats().buckets;
  // The same gradients all-reduced alone, bucket by bucket.
  std::vector<int64_t> bytes;
  for (const std::vector<size_t> &bucket : ddp.bucket_indices()) {
    int64_t n = 0;
    for (size_t i : bucket)
      n += net->parameters()[i].numel();
    bytes.push_back(n * 4);
  }
  f.commSeconds = allReduceAlone(bytes);
  return f;
}

void stepTable() {
  if (dist::rank() == 0) {
    std::printf("\neager data-parallel MLP step (256-512-512-10, 400k "
                "parameters, SGD), %d rank(s)\n",
                dist::world_size());
    std::printf("%-8s %8s %9s %8s %10s %12s %12s %8s\n", "scaling", "batch",
                "per rank", "buckets", "step ms", "all-red. ms", "exposed ms",
                "hidden");
  }
  struct Case {
    const char *scaling;
    int64_t globalBatch;
    double capMb;
  };
  int w = dist::world_size();
  for (Case c : {Case{"strong", 256, 25}, Case{"strong", 256, 0.25},
                 Case{"weak", 128 * w, 25}, Case{"weak", 128 * w, 0.25}}) {
    StepFigures f = mlpStep(c.globalBatch / w, c.capMb);
    double hidden = w > 1 && f.commSeconds > 0
                        ? std::max(0.0, 1 - f.exposedSeconds / f.commSeconds)
                        : 0;
    if (dist::rank() == 0)
      std::printf("%-8s %8lld %9lld %8zu %10.2f %12.2f %12.2f %7.0f%%\n",
                  c.scaling, static_cast<long long>(c.globalBatch),
                  static_cast<long long>(c.globalBatch / w), f.buckets,
                  f.stepSeconds * 1e3, f.commSeconds * 1e3,
                  f.exposedSeconds * 1e3, hidden * 100);
  }
}

struct CompiledFigures {
  double stepSeconds;
  double waitedSeconds;
  double overlappedSeconds;
  double commSeconds;
  size_t buckets;
};

/// The compiled MLP step on \p batchPerRank rows per rank.
CompiledFigures compiledMlpStep(int64_t batchPerRank, int64_t bucketBytes) {
  nn::Sequential net = makeMlp();
  Tensor x = randn({batchPerRank, 256}), y = randn({batchPerRank, 10});
  jit::CompileOptions options;
  options.name = "mlp_ddp_step";
  options.distributed = jit::DistributedOptions{bucketBytes};
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) {
        return F::mse_loss(net->forward(in[0]), in[1]);
      },
      optim::SGDOptions(0.01), options);
  // Compiles, then waits for the -O3 code (every rank calls as often).
  adjit::bench::warmUpToOptimizedTier([&] { step(x, y); });
  double waited = 0, overlapped = 0;
  int steps = 0;
  std::vector<int64_t> bucketBytesSeen;
  CompiledFigures f;
  f.stepSeconds = syncedSeconds(
      [&] {
        dist::reset_compiled_collective_stats();
        step(x, y);
        dist::CompiledCollectiveStats stats = dist::compiled_collective_stats();
        waited += stats.waitedSeconds();
        for (const dist::CompiledCollectiveTiming &c : stats.collectives)
          overlapped += c.waitCalled - c.started;
        bucketBytesSeen.clear();
        for (const dist::CompiledCollectiveTiming &c : stats.collectives)
          bucketBytesSeen.push_back(c.bytes);
        ++steps;
      },
      20);
  f.waitedSeconds = waited / steps;
  f.overlappedSeconds = overlapped / steps;
  f.buckets = bucketBytesSeen.size();
  f.commSeconds = allReduceAlone(bucketBytesSeen);
  return f;
}

void compiledStepTable() {
  if (dist::rank() == 0) {
    std::printf("\ncompiled data-parallel MLP step (jit::TrainStep, same "
                "model), %d rank(s)\n",
                dist::world_size());
    std::printf("%-8s %8s %9s %8s %10s %12s %13s %12s %8s\n", "scaling",
                "batch", "per rank", "buckets", "step ms", "all-red. ms",
                "overlapped ms", "waited ms", "hidden");
  }
  struct Case {
    const char *scaling;
    int64_t globalBatch;
    int64_t bucketBytes;
  };
  int w = dist::world_size();
  for (Case c :
       {Case{"strong", 256, 25 << 20}, Case{"strong", 256, 256 << 10},
        Case{"weak", 128 * w, 25 << 20}, Case{"weak", 128 * w, 256 << 10}}) {
    CompiledFigures f = compiledMlpStep(c.globalBatch / w, c.bucketBytes);
    // The share of the all-reduce time (measured alone) that the compiled
    // code did not spend blocked in its waits.
    double hidden = w > 1 && f.commSeconds > 0
                        ? std::max(0.0, 1 - f.waitedSeconds / f.commSeconds)
                        : 0;
    if (dist::rank() == 0)
      std::printf("%-8s %8lld %9lld %8zu %10.2f %12.2f %13.2f %12.2f %7.0f%%\n",
                  c.scaling, static_cast<long long>(c.globalBatch),
                  static_cast<long long>(c.globalBatch / w), f.buckets,
                  f.stepSeconds * 1e3, f.commSeconds * 1e3,
                  f.overlappedSeconds * 1e3, f.waitedSeconds * 1e3,
                  hidden * 100);
  }
}

} // namespace

int main() {
  dist::init();
  allReduceTable();
  stepTable();
  compiledStepTable();
  dist::finalize();
  return 0;
}
