//===- Embedding.cpp - The Embedding module -------------------------------===//

#include "adjit/NN/Embedding.h"

using namespace adjit;
using namespace adjit::nn;

namespace {
/// The padding index of a table of `count` rows made non-negative, or -1
/// for none; throws naming `op` if it is out of range.
int64_t resolvePaddingIdx(const char *op, std::optional<int64_t> padding,
                          int64_t count) {
  if (!padding)
    return -1;
  int64_t index = *padding < 0 ? *padding + count : *padding;
  if (index < 0 || index >= count)
    throw Error(std::string(op) + ": padding_idx " + std::to_string(*padding) +
                " must be within [-" + std::to_string(count) + ", " +
                std::to_string(count) + ") for " + std::to_string(count) +
                " embeddings");
  return index;
}
} // namespace

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions &opts)
    : Module("Embedding"), options(opts) {
  if (opts.num_embeddings() < 0 || opts.embedding_dim() < 0)
    throw Error("Embedding: sizes must be non-negative, got num_embeddings=" +
                std::to_string(opts.num_embeddings()) +
                " embedding_dim=" + std::to_string(opts.embedding_dim()));
  options.padding_idx(
      opts.padding_idx()
          ? std::optional<int64_t>(resolvePaddingIdx(
                "Embedding", opts.padding_idx(), opts.num_embeddings()))
          : std::nullopt);
  weight = register_parameter(
      "weight", empty({opts.num_embeddings(), opts.embedding_dim()}));
  reset_parameters();
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx()) {
    NoGradGuard noGrad;
    weight[*options.padding_idx()].zero_();
  }
}

Tensor EmbeddingImpl::forward(const Tensor &indices) {
  return adjit::embedding(weight, indices, options.padding_idx().value_or(-1));
}

Tensor functional::embedding(const Tensor &input, const Tensor &weight,
                             const EmbeddingFuncOptions &options) {
  if (!weight.defined() || weight.dim() != 2)
    throw Error("embedding: expected a 2-D weight [num_embeddings, "
                "embedding_dim], got " +
                (weight.defined() ? "shape " + shapeToString(weight.sizes())
                                  : std::string("an undefined tensor")));
  return adjit::embedding(
      weight, input,
      resolvePaddingIdx("embedding", options.padding_idx(), weight.size(0)));
}
