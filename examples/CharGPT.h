//===- CharGPT.h - A GPT-2-style character-level decoder ----*- C++ -*-===//
//
// The model of examples/char_gpt.cpp and bench/gpt: token and position
// embeddings, pre-LayerNorm blocks of causal multi-head self-attention and
// a 4x GELU MLP, a final LayerNorm, and a head that shares the token
// embedding matrix. GPT-2 initialization: weights N(0, 0.02), the residual
// output projections N(0, 0.02 / sqrt(2 * layers)), biases zero, LayerNorms
// one and zero.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_CHARGPT_H
#define ADJIT_EXAMPLES_CHARGPT_H

#include "adjit/adjit.h"

#include <cmath>
#include <string>
#include <vector>

namespace adjit::examples {

/// The sizes of a CharGPT.
struct CharGPTConfig {
  int64_t vocabSize = 65;
  int64_t contextLength = 64;
  int64_t layers = 4;
  int64_t heads = 4;
  int64_t embeddingDim = 128;
};

/// Causal multi-head self-attention over [B, T, C].
class CausalSelfAttentionImpl : public nn::Module {
public:
  explicit CausalSelfAttentionImpl(const CharGPTConfig &config)
      : Module("CausalSelfAttention"), heads(config.heads) {
    int64_t c = config.embeddingDim;
    qkv = register_module("c_attn", nn::Linear(c, 3 * c));
    proj = register_module("c_proj", nn::Linear(c, c));
  }
  Tensor forward(const Tensor &x) override {
    int64_t b = x.size(0), t = x.size(1), c = x.size(2);
    std::vector<Tensor> qkvs = qkv(x).chunk(3, /*dim=*/2);
    auto splitHeads = [&](const Tensor &y) { // [B, H, T, C / H]
      return y.reshape({b, t, heads, c / heads}).transpose(1, 2);
    };
    Tensor y = scaled_dot_product_attention(
        splitHeads(qkvs[0]), splitHeads(qkvs[1]), splitHeads(qkvs[2]), Tensor(),
        /*dropout_p=*/0.0, /*is_causal=*/true);
    return proj(y.transpose(1, 2).contiguous().view({b, t, c}));
  }

  int64_t heads;
  nn::Linear qkv{nullptr}, proj{nullptr};
};
ADJIT_MODULE(CausalSelfAttention);

/// x + attn(ln_1(x)), then x + mlp(ln_2(x)).
class GPTBlockImpl : public nn::Module {
public:
  explicit GPTBlockImpl(const CharGPTConfig &config) : Module("GPTBlock") {
    int64_t c = config.embeddingDim;
    ln1 = register_module("ln_1", nn::LayerNorm(nn::LayerNormOptions({c})));
    attn = register_module("attn", CausalSelfAttention(config));
    ln2 = register_module("ln_2", nn::LayerNorm(nn::LayerNormOptions({c})));
    fc = register_module("c_fc", nn::Linear(c, 4 * c));
    proj = register_module("c_proj", nn::Linear(4 * c, c));
  }
  Tensor forward(const Tensor &x) override {
    Tensor h = x + attn(ln1(x));
    return h + proj(gelu(fc(ln2(h))));
  }

  nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  CausalSelfAttention attn{nullptr};
  nn::Linear fc{nullptr}, proj{nullptr};
};
ADJIT_MODULE(GPTBlock);

/// Token indices [B, T] (int64) to logits [B, T, vocabSize].
class CharGPTImpl : public nn::Module {
public:
  explicit CharGPTImpl(const CharGPTConfig &config)
      : Module("CharGPT"), config(config) {
    int64_t c = config.embeddingDim;
    wte = register_module(
        "wte", nn::Embedding(nn::EmbeddingOptions(config.vocabSize, c)));
    wpe = register_module(
        "wpe", nn::Embedding(nn::EmbeddingOptions(config.contextLength, c)));
    blocks = register_module("h", nn::ModuleList());
    for (int64_t i = 0; i < config.layers; ++i)
      blocks->push_back(GPTBlock(config));
    lnF = register_module("ln_f", nn::LayerNorm(nn::LayerNormOptions({c})));
    resetParameters();
  }

  /// GPT-2's initialization (seed the generator first for a fixed model).
  void resetParameters() {
    NoGradGuard noGrad;
    double residualStd = 0.02 / std::sqrt(2.0 * config.layers);
    for (auto &[name, p] : named_parameters()) {
      bool isBias = name.size() >= 4 && name.substr(name.size() - 4) == "bias";
      bool isNorm = name.find("ln_") != std::string::npos;
      bool isResidual = name.find("c_proj.weight") != std::string::npos;
      if (isNorm && !isBias)
        nn::init::ones_(p);
      else if (isBias)
        nn::init::zeros_(p);
      else
        nn::init::normal_(p, 0.0, isResidual ? residualStd : 0.02);
    }
  }

  Tensor forward(const Tensor &indices) override {
    int64_t t = indices.size(1);
    Tensor x = wte(indices) + wpe->weight.narrow(0, 0, t);
    for (const auto &block : *blocks)
      x = block->as<GPTBlockImpl>()->forward(x);
    return matmul(lnF(x), wte->weight.t()); // the head is the embedding
  }

  /// nanoGPT's two parameter groups: the matrices (dim >= 2: linear
  /// weights and embeddings) with `options`' weight decay, and the biases
  /// and LayerNorm parameters without weight decay.
  std::vector<optim::OptimizerParamGroup>
  parameterGroups(const optim::AdamWOptions &options) const {
    std::vector<Tensor> decayed, undecayed;
    for (const Tensor &p : parameters())
      (p.dim() >= 2 ? decayed : undecayed).push_back(p);
    auto noDecay = std::make_unique<optim::AdamWOptions>(options);
    noDecay->weight_decay(0.0);
    std::vector<optim::OptimizerParamGroup> groups;
    groups.emplace_back(decayed,
                        std::make_unique<optim::AdamWOptions>(options));
    groups.emplace_back(undecayed, std::move(noDecay));
    return groups;
  }

  /// The mean cross entropy of the next-character predictions: `indices`
  /// [B, T] and `targets` [B * T] (flat, as the compiled step needs its
  /// targets as an input).
  Tensor loss(const Tensor &indices, const Tensor &targets) {
    Tensor logits = forward(indices);
    return nn::functional::cross_entropy(logits.view({-1, config.vocabSize}),
                                         targets);
  }

  CharGPTConfig config;
  nn::Embedding wte{nullptr}, wpe{nullptr};
  nn::ModuleList blocks{nullptr};
  nn::LayerNorm lnF{nullptr};
};
ADJIT_MODULE(CharGPT);

} // namespace adjit::examples

#endif // ADJIT_EXAMPLES_CHARGPT_H
