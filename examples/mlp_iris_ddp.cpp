//===- mlp_iris_ddp.cpp - The Iris MLP trained data-parallel --------------===//
//
// mlp_iris.cpp's Linear(4, 16) - ReLU - Linear(16, 3) trained with Adam on
// every rank of an MPI job: each rank draws its minibatches from its share of
// the 120 training flowers (data::DistributedSampler) and
// nn::DistributedDataParallel averages the gradients over the ranks during
// backward. Run alone or with `mpiexec -np 2 build/examples/mlp_iris_ddp`.
//
//===----------------------------------------------------------------------===//

#include "IrisData.h"
#include "adjit/adjit.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace adjit;
namespace F = adjit::nn::functional;
namespace dist = adjit::distributed;

namespace {
/// The rows \p index of \p x.
Tensor rows(const Tensor &x, const std::vector<int64_t> &index) {
  std::vector<Tensor> picked;
  for (int64_t i : index)
    picked.push_back(x.select(0, i).unsqueeze(0));
  return cat(picked, 0);
}
} // namespace

int main(int argc, char **argv) {
  dist::init();
  const int rank = dist::rank(), world = dist::world_size();
  std::string path =
      argc > 1 ? argv[1] : std::string(ADJIT_EXAMPLES_DATA_DIR) + "/iris.csv";
  examples::IrisSplit iris;
  if (!examples::loadIris(path, iris)) {
    std::fprintf(stderr, "cannot read the Iris data from %s\n", path.c_str());
    dist::abort(1);
  }

  // Each rank initializes its replica differently; DistributedDataParallel
  // starts them all from rank 0's parameters.
  manual_seed(100 + rank);
  nn::Sequential model(nn::Linear(4, 16), nn::ReLU(), nn::Linear(16, 3));
  nn::DistributedDataParallel ddp(model);
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(0.02));

  data::DistributedSampler sampler(iris.xTrain.size(0));
  const int64_t batchPerRank = 16 / world;
  for (uint64_t epoch = 0; epoch < 30; ++epoch) {
    sampler.set_epoch(epoch);
    Tensor epochLoss = zeros({});
    std::vector<std::vector<int64_t>> batches = sampler.batches(batchPerRank);
    for (const std::vector<int64_t> &batch : batches) {
      optimizer.zero_grad();
      Tensor loss = F::cross_entropy(ddp(rows(iris.xTrain, batch)),
                                     rows(iris.yTrain, batch));
      loss.backward();
      optimizer.step();
      epochLoss.add_(loss.detach());
    }
    epochLoss.div_(static_cast<double>(batches.size()));
    dist::all_reduce(epochLoss, dist::ReduceOp::Mean);
    if (rank == 0 && (epoch + 1) % 5 == 0)
      std::printf("epoch %2llu  loss %.4f\n", (unsigned long long)epoch + 1,
                  epochLoss.item<float>());
  }

  bool identical = true;
  for (const Tensor &p : model->parameters())
    for (const Tensor &other : dist::all_gather(p.detach()))
      identical = identical && equal(other, p);
  NoGradGuard noGrad;
  double accuracy = (model(iris.xTest).argmax(1) == iris.yTest)
                        .to(kFloat)
                        .mean()
                        .item<double>();
  if (rank == 0) {
    std::printf("%d rank(s), %lld flowers per rank per step\n", world,
                (long long)batchPerRank);
    std::printf("test accuracy %.1f%% (%lld samples)\n", 100 * accuracy,
                (long long)iris.xTest.size(0));
    std::printf("replicas identical: %s\n", identical ? "yes" : "no");
  }
  dist::finalize();
  return 0;
}
