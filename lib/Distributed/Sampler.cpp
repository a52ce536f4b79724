//===- Sampler.cpp - Splitting a dataset over the ranks -------------------===//

#include "adjit/Distributed/Sampler.h"
#include "adjit/Distributed.h"
#include "adjit/Error.h"

#include <numeric>
#include <random>
#include <string>

using namespace adjit;
using namespace adjit::data;

DistributedSampler::DistributedSampler(int64_t datasetSize,
                                       std::optional<int> numReplicas,
                                       std::optional<int> rank, bool shuffle,
                                       uint64_t seed, bool dropLast)
    : datasetSize_(datasetSize),
      numReplicas_(numReplicas ? *numReplicas : distributed::world_size()),
      rank_(rank ? *rank : distributed::rank()), shuffle_(shuffle),
      seed_(seed) {
  const char *op = "DistributedSampler";
  if (datasetSize_ < 0)
    throw Error(std::string(op) + ": the dataset size must be >= 0, got " +
                std::to_string(datasetSize_));
  if (numReplicas_ < 1)
    throw Error(std::string(op) + ": num_replicas must be >= 1, got " +
                std::to_string(numReplicas_));
  if (rank_ < 0 || rank_ >= numReplicas_)
    throw Error(std::string(op) + ": rank " + std::to_string(rank_) +
                " is not in [0, " + std::to_string(numReplicas_) + ")");
  if (dropLast)
    numSamples_ = datasetSize_ / numReplicas_;
  else
    numSamples_ = (datasetSize_ + numReplicas_ - 1) / numReplicas_;
}

std::vector<int64_t> DistributedSampler::indices() const {
  std::vector<int64_t> order(datasetSize_);
  std::iota(order.begin(), order.end(), 0);
  if (shuffle_) {
    // Fisher-Yates with an explicit generator, so every platform and rank
    // computes the same permutation.
    std::mt19937_64 gen(seed_ + epoch_);
    for (int64_t i = datasetSize_ - 1; i > 0; --i)
      std::swap(order[i], order[gen() % static_cast<uint64_t>(i + 1)]);
  }
  int64_t total = numSamples_ * numReplicas_;
  for (int64_t i = 0; static_cast<int64_t>(order.size()) < total; ++i)
    order.push_back(order[i % datasetSize_]);
  order.resize(total);
  std::vector<int64_t> mine;
  mine.reserve(numSamples_);
  for (int64_t i = rank_; i < total; i += numReplicas_)
    mine.push_back(order[i]);
  return mine;
}

std::vector<std::vector<int64_t>>
DistributedSampler::batches(int64_t batchSize) const {
  if (batchSize < 1)
    throw Error("DistributedSampler::batches: the batch size must be >= 1, "
                "got " +
                std::to_string(batchSize));
  std::vector<int64_t> all = indices();
  std::vector<std::vector<int64_t>> result;
  for (size_t i = 0; i < all.size(); i += batchSize)
    result.emplace_back(all.begin() + i,
                        all.begin() + std::min(all.size(), i + batchSize));
  return result;
}
