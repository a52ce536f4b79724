//===- RNNTest.cpp - LSTM and GRU compiled against eager ------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

using namespace adjit;
using test::expectClose;

namespace {

/// Computes `loss` of the module made by `make` eagerly and compiled (two
/// calls); expects the same loss and parameter gradients each time.
template <typename Holder>
void expectCompiledMatchesEager(
    const std::function<Holder()> &make,
    const std::function<Tensor(Holder &, const Tensor &)> &loss,
    const Tensor &input) {
  Holder eager = make(), compiled = make();
  Tensor eagerLoss = loss(eager, input);
  eagerLoss.backward();
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) { return loss(compiled, in[0]); },
      "rnn");
  for (int call = 0; call < 2; ++call) {
    compiled->zero_grad();
    expectClose(function(input), eagerLoss);
    auto eagerParameters = eager->named_parameters();
    auto compiledParameters = compiled->named_parameters();
    for (size_t i = 0; i < eagerParameters.size(); ++i) {
      SCOPED_TRACE(eagerParameters[i].first);
      expectClose(compiledParameters[i].second.grad(),
                  eagerParameters[i].second.grad());
    }
  }
  EXPECT_EQ(function.getStats().compilations, 1);
}

/// The number of `adjit.scan` ops in `ir`.
size_t countScans(const std::string &ir) {
  size_t scans = 0;
  for (size_t at = ir.find("adjit.scan"); at != std::string::npos;
       at = ir.find("adjit.scan", at + 1))
    ++scans;
  return scans;
}

TEST(RNNCompileTest, StackedLSTM) {
  manual_seed(4);
  Tensor x = randn({9, 2, 3}, kFloat64);
  expectCompiledMatchesEager<nn::LSTM>(
      [] {
        manual_seed(8);
        nn::LSTM lstm(nn::LSTMOptions(3, 5).num_layers(2));
        lstm->to(kFloat64);
        return lstm;
      },
      [](nn::LSTM &lstm, const Tensor &input) {
        auto [y, state] = lstm->forward(input);
        return (y * y).mean() + std::get<1>(state).sum();
      },
      x);
}

TEST(RNNCompileTest, BatchFirstGRUWithoutBias) {
  manual_seed(4);
  Tensor x = randn({2, 6, 3}, kFloat64);
  expectCompiledMatchesEager<nn::GRU>(
      [] {
        manual_seed(8);
        nn::GRU gru(nn::GRUOptions(3, 4).batch_first(true).bias(false));
        gru->to(kFloat64);
        return gru;
      },
      [](nn::GRU &gru, const Tensor &input) {
        auto [y, hn] = gru->forward(input);
        return (y * y).sum() + hn.sum();
      },
      x);
}

TEST(RNNCompileTest, BidirectionalProjectedLSTMWithDropout) {
  manual_seed(4);
  Tensor x = randn({2, 7, 3}, kFloat64);
  expectCompiledMatchesEager<nn::LSTM>(
      [] {
        manual_seed(8);
        nn::LSTM lstm(nn::LSTMOptions(3, 5)
                          .num_layers(2)
                          .bidirectional(true)
                          .proj_size(3)
                          .batch_first(true)
                          .dropout(0.5));
        lstm->to(kFloat64);
        // Dropout draws differ between eager and compiled runs.
        lstm->eval();
        return lstm;
      },
      [](nn::LSTM &lstm, const Tensor &input) {
        auto [y, state] = lstm->forward(input);
        return (y * y).mean() + std::get<0>(state).sum() +
               std::get<1>(state).sum();
      },
      x);
}

TEST(RNNCompileTest, CellsUnrolledByHand) {
  manual_seed(4);
  Tensor x = randn({2, 2, 3}, kFloat64);
  expectCompiledMatchesEager<nn::LSTMCell>(
      [] {
        manual_seed(8);
        nn::LSTMCell cell(3, 4);
        cell->to(kFloat64);
        return cell;
      },
      [](nn::LSTMCell &cell, const Tensor &input) {
        std::optional<std::tuple<Tensor, Tensor>> state;
        for (int64_t t = 0; t < input.size(0); ++t)
          state = cell->forward(input[t], state);
        return std::get<0>(*state).sum();
      },
      x);
  expectCompiledMatchesEager<nn::GRUCell>(
      [] {
        manual_seed(8);
        nn::GRUCell cell(3, 4);
        cell->to(kFloat64);
        return cell;
      },
      [](nn::GRUCell &cell, const Tensor &input) {
        Tensor h;
        for (int64_t t = 0; t < input.size(0); ++t)
          h = cell->forward(input[t], h);
        return (h * h).sum();
      },
      x);
}

TEST(RNNCompileTest, OneScanPerLayer) {
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(3));
  std::string ir = jit::trace(
      [&](const std::vector<Tensor> &in) {
        return std::get<0>(lstm->forward(in[0])).sum();
      },
      {zeros({100, 3})});
  EXPECT_EQ(countScans(ir), 3u) << ir;
  nn::GRU gru(nn::GRUOptions(3, 4).num_layers(2).bidirectional(true));
  ir = jit::trace(
      [&](const std::vector<Tensor> &in) {
        return std::get<0>(gru->forward(in[0])).sum();
      },
      {zeros({100, 3})});
  EXPECT_EQ(countScans(ir), 4u) << ir;
}

} // namespace
