//===- Embedding.h - The Embedding module -----------------------*- C++ -*-===//

#ifndef ADJIT_NN_EMBEDDING_H
#define ADJIT_NN_EMBEDDING_H

#include "adjit/NN.h"

#include <optional>

namespace adjit {
namespace nn {

/// Options of Embedding: the table's size and an optional padding index
/// (negative counts from the end) whose row is zero-initialized and gets no
/// gradient.
class EmbeddingOptions {
public:
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EmbeddingOptions &padding_idx(std::optional<int64_t> v) {
    return padding_idx_ = v, *this;
  }
  int64_t num_embeddings() const { return num_embeddings_; }
  int64_t embedding_dim() const { return embedding_dim_; }
  const std::optional<int64_t> &padding_idx() const { return padding_idx_; }

private:
  int64_t num_embeddings_;
  int64_t embedding_dim_;
  std::optional<int64_t> padding_idx_;
};

/// A lookup table of `num_embeddings` rows of `embedding_dim` values,
/// initialized from N(0, 1) as PyTorch's (the padding row with zeros);
/// forward(indices) returns the rows at the int64 indices (any shape), of
/// shape indices.sizes() + [embedding_dim].
class EmbeddingImpl : public Module {
public:
  explicit EmbeddingImpl(const EmbeddingOptions &options);
  /// Draws the weight from N(0, 1) and zeroes the padding row.
  void reset_parameters();
  Tensor forward(const Tensor &indices) override;

  EmbeddingOptions options;
  Tensor weight;
};
ADJIT_MODULE(Embedding);

namespace functional {

/// Options of functional::embedding.
class EmbeddingFuncOptions {
public:
  EmbeddingFuncOptions &padding_idx(std::optional<int64_t> v) {
    return padding_idx_ = v, *this;
  }
  const std::optional<int64_t> &padding_idx() const { return padding_idx_; }

private:
  std::optional<int64_t> padding_idx_;
};

/// The rows of `weight` at `input` (adjit::embedding) with LibTorch's
/// argument order; a negative padding index counts from the end.
Tensor embedding(const Tensor &input, const Tensor &weight,
                 const EmbeddingFuncOptions &options = {});

/// adjit::one_hot, under LibTorch's functional name.
inline Tensor one_hot(const Tensor &indices, int64_t num_classes = -1) {
  return adjit::one_hot(indices, num_classes);
}

} // namespace functional
} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_EMBEDDING_H
