//===- RNNTest.cpp - LSTM and GRU cells and layers, eagerly ---------------===//
//
// The recurrent modules against PyTorch 1.13 on fixed weights (outputs,
// states and every gradient; skipped without torch), against finite
// differences, and their errors.
//
//===----------------------------------------------------------------------===//

#include "PyTorchReference.h"
#include "TestUtil.h"

using namespace adjit;
using namespace adjit::test;

namespace {

/// Sets parameter i of `module` (in registration order) to pattern values
/// scaled by 0.3, as the Python of referenceScript does, and returns them.
std::vector<Tensor> setPatternParameters(nn::Module &module) {
  std::vector<Tensor> parameters = module.parameters();
  NoGradGuard noGrad;
  for (size_t i = 0; i < parameters.size(); ++i)
    parameters[i].copy_(patternTensor(parameters[i].numel(), 0.2 + 0.1 * i,
                                      parameters[i].sizes()) *
                        0.3);
  return parameters;
}

/// Python that builds `module` (a torch.nn expression), sets its
/// parameters as setPatternParameters does, runs `forward` (which defines
/// the list `outs` and the 0-d `loss`) and prints the outputs, then the
/// gradients of the parameters and of `inputs`.
std::string referenceScript(const std::string &module,
                            const std::string &inputs,
                            const std::string &forward) {
  return std::string("import math, torch\n") + kPatternPython +
         "m = " + module +
         ".double()\n"
         "with torch.no_grad():\n"
         "  for i, p in enumerate(m.parameters()):\n"
         "    p.copy_(v(p.numel(), 0.2 + 0.1 * i).reshape(p.shape) * 0.3)\n" +
         inputs + forward +
         "ins = [t for t in [x, h0, c0] if t is not None]\n"
         "g = torch.autograd.grad(loss, list(m.parameters()) + ins)\n"
         "print(\" \".join(repr(float(e)) for e in torch.cat([t.flatten() "
         "for t in outs + list(g)])))\n";
}

/// The elements of `tensors` and the gradients of `wrt`, in order.
std::vector<double> flatten(const std::vector<Tensor> &tensors,
                            const std::vector<Tensor> &wrt) {
  std::vector<double> all;
  for (const Tensor &t : tensors)
    for (double e : values(t))
      all.push_back(e);
  for (const Tensor &t : wrt)
    for (double e : values(t.grad()))
      all.push_back(e);
  return all;
}

const char *kSequenceInputs =
    "x = (v(30, 1.3).reshape(5, 2, 3)).requires_grad_()\n"
    "h0 = (v(16, 1.7).reshape(2, 2, 4) * 0.5).requires_grad_()\n"
    "c0 = (v(16, 1.9).reshape(2, 2, 4) * 0.5).requires_grad_()\n";

TEST(RNNTest, LSTMMatchesPyTorch) {
  std::string out = runPython(referenceScript(
      "torch.nn.LSTM(3, 4, num_layers=2)", kSequenceInputs,
      "y, (hn, cn) = m(x, (h0, c0))\n"
      "outs = [y, hn, cn]\n"
      "loss = (y * y).sum() + hn.sum() * 0.5 + (cn * cn).sum()\n"));
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(2));
  lstm->to(kFloat64);
  std::vector<Tensor> parameters = setPatternParameters(*lstm);
  Tensor x = patternTensor(30, 1.3, {5, 2, 3}).requires_grad_();
  Tensor h0 = (patternTensor(16, 1.7, {2, 2, 4}) * 0.5).requires_grad_();
  Tensor c0 = (patternTensor(16, 1.9, {2, 2, 4}) * 0.5).requires_grad_();
  auto [y, state] = lstm->forward(x, std::make_tuple(h0, c0));
  auto [hn, cn] = state;
  ((y * y).sum() + hn.sum() * 0.5 + (cn * cn).sum()).backward();
  std::vector<Tensor> wrt = parameters;
  wrt.insert(wrt.end(), {x, h0, c0});
  expectMatchesReference(flatten({y, hn, cn}, wrt), parseNumbers(out), 1e-10);
}

TEST(RNNTest, BatchFirstGRUMatchesPyTorch) {
  std::string out = runPython(referenceScript(
      "torch.nn.GRU(3, 4, num_layers=2, batch_first=True)",
      "x = (v(30, 1.3).reshape(2, 5, 3)).requires_grad_()\n"
      "h0 = (v(16, 1.7).reshape(2, 2, 4) * 0.5).requires_grad_()\n"
      "c0 = None\n",
      "y, hn = m(x, h0)\n"
      "outs = [y, hn]\n"
      "loss = (y * y).sum() + hn.sum() * 0.5\n"));
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  nn::GRU gru(nn::GRUOptions(3, 4).num_layers(2).batch_first(true));
  gru->to(kFloat64);
  std::vector<Tensor> parameters = setPatternParameters(*gru);
  Tensor x = patternTensor(30, 1.3, {2, 5, 3}).requires_grad_();
  Tensor h0 = (patternTensor(16, 1.7, {2, 2, 4}) * 0.5).requires_grad_();
  auto [y, hn] = gru->forward(x, h0);
  ((y * y).sum() + hn.sum() * 0.5).backward();
  std::vector<Tensor> wrt = parameters;
  wrt.insert(wrt.end(), {x, h0});
  expectMatchesReference(flatten({y, hn}, wrt), parseNumbers(out), 1e-10);
}

TEST(RNNTest, BidirectionalProjectedLSTMMatchesPyTorch) {
  std::string out = runPython(referenceScript(
      "torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)",
      "x = (v(30, 1.3).reshape(5, 2, 3)).requires_grad_()\n"
      "h0 = (v(16, 1.7).reshape(4, 2, 2) * 0.5).requires_grad_()\n"
      "c0 = (v(40, 1.9).reshape(4, 2, 5) * 0.5).requires_grad_()\n",
      "y, (hn, cn) = m(x, (h0, c0))\n"
      "outs = [y, hn, cn]\n"
      "loss = (y * y).sum() + (hn * y[0, :, 1:3]).sum() + (cn * cn).sum()\n"));
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  nn::LSTM lstm(
      nn::LSTMOptions(3, 5).num_layers(2).bidirectional(true).proj_size(2));
  lstm->to(kFloat64);
  std::vector<Tensor> parameters = setPatternParameters(*lstm);
  Tensor x = patternTensor(30, 1.3, {5, 2, 3}).requires_grad_();
  Tensor h0 = (patternTensor(16, 1.7, {4, 2, 2}) * 0.5).requires_grad_();
  Tensor c0 = (patternTensor(40, 1.9, {4, 2, 5}) * 0.5).requires_grad_();
  auto [y, state] = lstm->forward(x, std::make_tuple(h0, c0));
  auto [hn, cn] = state;
  EXPECT_EQ(y.sizes(), Shape({5, 2, 4}));
  ((y * y).sum() + (hn * y.select(0, 0).slice(1, 1, 3)).sum() + (cn * cn).sum())
      .backward();
  std::vector<Tensor> wrt = parameters;
  wrt.insert(wrt.end(), {x, h0, c0});
  expectMatchesReference(flatten({y, hn, cn}, wrt), parseNumbers(out), 1e-10);
}

TEST(RNNTest, UnbatchedBidirectionalGRUMatchesPyTorch) {
  std::string out = runPython(
      referenceScript("torch.nn.GRU(3, 4, num_layers=2, bidirectional=True)",
                      "x = (v(15, 1.3).reshape(5, 3)).requires_grad_()\n"
                      "h0 = (v(16, 1.7).reshape(4, 4) * 0.5).requires_grad_()\n"
                      "c0 = None\n",
                      "y, hn = m(x, h0)\n"
                      "outs = [y, hn]\n"
                      "loss = (y * y).sum() + hn[1].sum() * 0.5\n"));
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  nn::GRU gru(nn::GRUOptions(3, 4).num_layers(2).bidirectional(true));
  gru->to(kFloat64);
  std::vector<Tensor> parameters = setPatternParameters(*gru);
  Tensor x = patternTensor(15, 1.3, {5, 3}).requires_grad_();
  Tensor h0 = (patternTensor(16, 1.7, {4, 4}) * 0.5).requires_grad_();
  auto [y, hn] = gru->forward(x, h0);
  ((y * y).sum() + hn.select(0, 1).sum() * 0.5).backward();
  std::vector<Tensor> wrt = parameters;
  wrt.insert(wrt.end(), {x, h0});
  expectMatchesReference(flatten({y, hn}, wrt), parseNumbers(out), 1e-10);
}

TEST(RNNTest, DropoutBetweenLayersOnlyInTraining) {
  manual_seed(3);
  Tensor x = randn({4, 2, 3}, kFloat64);
  nn::GRU gru(nn::GRUOptions(3, 4).num_layers(2).dropout(1.0));
  gru->to(kFloat64);
  // Training: every output of layer 0 is dropped, so the output does not
  // depend on layer 0's parameters (h_n still does), and layer 1's input
  // weights multiply zeros.
  auto [y, hn] = gru->forward(x);
  y.sum().backward();
  for (const auto &[name, p] : gru->named_parameters()) {
    SCOPED_TRACE(name);
    double gradient = p.grad().abs().sum().item();
    if (name.find("_l0") != std::string::npos || name == "weight_ih_l1")
      EXPECT_EQ(gradient, 0.0);
    else
      EXPECT_GT(gradient, 0.0);
  }
  // Evaluation: no dropout; the same as a model that never drops.
  gru->eval();
  nn::GRU plain(nn::GRUOptions(3, 4).num_layers(2));
  plain->to(kFloat64);
  {
    NoGradGuard noGrad;
    for (size_t i = 0; i < plain->parameters().size(); ++i)
      plain->parameters()[i].copy_(gru->parameters()[i]);
  }
  EXPECT_TRUE(allclose(std::get<0>(gru->forward(x)),
                       std::get<0>(plain->forward(x)), 0, 0));
  // Half the outputs dropped: repeatable under the same seed, and unlike
  // evaluation.
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(2).dropout(0.5));
  lstm->to(kFloat64);
  manual_seed(5);
  Tensor first = std::get<0>(lstm->forward(x));
  manual_seed(5);
  EXPECT_TRUE(allclose(std::get<0>(lstm->forward(x)), first, 0, 0));
  lstm->eval();
  EXPECT_GT((std::get<0>(lstm->forward(x)) - first).abs().max().item(), 1e-3);
}

TEST(RNNTest, CellsMatchPyTorch) {
  std::string out = runPython(
      referenceScript("torch.nn.LSTMCell(3, 4)",
                      "x = v(6, 1.3).reshape(2, 3).requires_grad_()\n"
                      "h0 = (v(8, 1.7).reshape(2, 4) * 0.5).requires_grad_()\n"
                      "c0 = (v(8, 1.9).reshape(2, 4) * 0.5).requires_grad_()\n",
                      "h, c = m(x, (h0, c0))\n"
                      "outs = [h, c]\n"
                      "loss = (h * h).sum() + c.sum()\n") +
      referenceScript("torch.nn.GRUCell(3, 4)",
                      "x = v(3, 1.3).requires_grad_()\n"
                      "h0 = (v(4, 1.7) * 0.5).requires_grad_()\n"
                      "c0 = None\n",
                      "h = m(x, h0)\n"
                      "outs = [h]\n"
                      "loss = (h * h).sum()\n"));
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  std::vector<double> expected = parseNumbers(out);
  nn::LSTMCell lstm(3, 4);
  lstm->to(kFloat64);
  std::vector<Tensor> wrt = setPatternParameters(*lstm);
  Tensor x = patternTensor(6, 1.3, {2, 3}).requires_grad_();
  Tensor h0 = (patternTensor(8, 1.7, {2, 4}) * 0.5).requires_grad_();
  Tensor c0 = (patternTensor(8, 1.9, {2, 4}) * 0.5).requires_grad_();
  auto [h, c] = lstm->forward(x, std::make_tuple(h0, c0));
  ((h * h).sum() + c.sum()).backward();
  wrt.insert(wrt.end(), {x, h0, c0});
  std::vector<double> actual = flatten({h, c}, wrt);

  nn::GRUCell gru(3, 4);
  gru->to(kFloat64);
  wrt = setPatternParameters(*gru);
  Tensor xu = patternTensor(3, 1.3, {3}).requires_grad_();
  Tensor hu = (patternTensor(4, 1.7, {4}) * 0.5).requires_grad_();
  Tensor next = gru->forward(xu, hu);
  (next * next).sum().backward();
  wrt.insert(wrt.end(), {xu, hu});
  for (double e : flatten({next}, wrt))
    actual.push_back(e);
  expectMatchesReference(actual, expected, 1e-10);
}

TEST(RNNTest, ParameterNamesShapesAndInit) {
  nn::LSTM lstm(nn::LSTMOptions(3, 5).num_layers(2));
  std::vector<std::string> names;
  for (const auto &[name, p] : lstm->named_parameters())
    names.push_back(name + shapeToString(p.sizes()));
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "weight_ih_l0[20, 3]", "weight_hh_l0[20, 5]", "bias_ih_l0[20]",
                "bias_hh_l0[20]", "weight_ih_l1[20, 5]", "weight_hh_l1[20, 5]",
                "bias_ih_l1[20]", "bias_hh_l1[20]"}));
  double bound = 1.0 / std::sqrt(5.0);
  for (const Tensor &p : lstm->parameters()) {
    EXPECT_LE(p.abs().max().item(), bound);
    EXPECT_GT(p.abs().max().item(), bound * 0.5);
  }
  nn::GRU gru(nn::GRUOptions(2, 3).bias(false));
  EXPECT_EQ(gru->parameters().size(), 2u);
  EXPECT_EQ(gru->parameters()[0].sizes(), Shape({9, 2}));
  nn::GRUCell cell(2, 3);
  EXPECT_EQ(cell->weight_hh.sizes(), Shape({9, 3}));
}

TEST(RNNTest, BidirectionalAndProjectedParameterNames) {
  nn::LSTM lstm(
      nn::LSTMOptions(3, 5).num_layers(2).bidirectional(true).proj_size(2));
  std::vector<std::string> names;
  for (const auto &[name, p] : lstm->named_parameters())
    names.push_back(name + shapeToString(p.sizes()));
  // LibTorch's order: per layer, per direction, the biases before
  // weight_hr.
  EXPECT_EQ(names, (std::vector<std::string>{
                       "weight_ih_l0[20, 3]",
                       "weight_hh_l0[20, 2]",
                       "bias_ih_l0[20]",
                       "bias_hh_l0[20]",
                       "weight_hr_l0[2, 5]",
                       "weight_ih_l0_reverse[20, 3]",
                       "weight_hh_l0_reverse[20, 2]",
                       "bias_ih_l0_reverse[20]",
                       "bias_hh_l0_reverse[20]",
                       "weight_hr_l0_reverse[2, 5]",
                       "weight_ih_l1[20, 4]",
                       "weight_hh_l1[20, 2]",
                       "bias_ih_l1[20]",
                       "bias_hh_l1[20]",
                       "weight_hr_l1[2, 5]",
                       "weight_ih_l1_reverse[20, 4]",
                       "weight_hh_l1_reverse[20, 2]",
                       "bias_ih_l1_reverse[20]",
                       "bias_hh_l1_reverse[20]",
                       "weight_hr_l1_reverse[2, 5]",
                   }));
  EXPECT_EQ(lstm->num_directions(), 2);
}

TEST(RNNTest, Gradcheck) {
  manual_seed(1);
  nn::LSTM lstm(nn::LSTMOptions(2, 3).num_layers(2).batch_first(true));
  lstm->to(kFloat64);
  Tensor x = randn({2, 3, 2}, kFloat64).requires_grad_();
  std::vector<Tensor> in = lstm->parameters();
  in.push_back(x);
  EXPECT_TRUE(autograd::gradcheck(
      [&](const std::vector<Tensor> &v) {
        auto [y, state] = lstm->forward(v.back());
        return (y * y).sum() + std::get<1>(state).sum();
      },
      in));
  nn::GRU gru(2, 3);
  gru->to(kFloat64);
  Tensor xu = randn({4, 2}, kFloat64).requires_grad_();
  Tensor h0 = randn({1, 3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [&](const std::vector<Tensor> &v) {
        auto [y, hn] = gru->forward(v[0], v[1]);
        return (y * y).sum() + hn.sum();
      },
      {xu, h0});
  nn::LSTMCell cell(2, 3);
  cell->to(kFloat64);
  checkFirstAndSecondOrder(
      [&](const std::vector<Tensor> &v) {
        auto [h, c] = cell->forward(v[0]);
        return (h * c).sum();
      },
      {randn({2, 2}, kFloat64).requires_grad_()});
  nn::LSTM both(nn::LSTMOptions(2, 3).bidirectional(true).proj_size(1));
  both->to(kFloat64);
  std::vector<Tensor> parameters = both->parameters();
  parameters.push_back(randn({3, 2, 2}, kFloat64).requires_grad_());
  checkFirstAndSecondOrder(
      [&](const std::vector<Tensor> &v) {
        auto [y, state] = both->forward(v.back());
        return (y * y).sum() + (std::get<1>(state) * 0.5).sum();
      },
      parameters);
}

TEST(RNNTest, Errors) {
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(2));
  EXPECT_ADJIT_ERROR(lstm->forward(zeros({5, 2, 2})),
                     "LSTM: expected an input of shape [time, batch, 3] or "
                     "[time, 3], got [5, 2, 2]");
  EXPECT_ADJIT_ERROR(
      lstm->forward(zeros({5, 2, 3}),
                    std::make_tuple(zeros({2, 4}), zeros({2, 2, 4}))),
      "LSTM: expected h_0 of shape [2, 2, 4], got [2, 4]");
  nn::GRU gru(nn::GRUOptions(3, 4).batch_first(true));
  EXPECT_ADJIT_ERROR(gru->forward(zeros({3})),
                     "GRU: expected an input of shape [batch, time, 3] or "
                     "[time, 3], got [3]");
  nn::GRUCell cell(3, 4);
  EXPECT_ADJIT_ERROR(cell->forward(zeros({2, 3}), zeros({4})),
                     "GRUCell: expected hx of shape [2, 4], got [4]");
  EXPECT_ADJIT_ERROR(nn::GRU(nn::GRUOptions(3, 4).proj_size(2)),
                     "GRU: proj_size is supported only by LSTM, got 2");
  EXPECT_ADJIT_ERROR(nn::LSTM(nn::LSTMOptions(3, 4).proj_size(4)),
                     "LSTM: proj_size must be in [0, hidden_size), got 4 "
                     "with hidden_size 4");
  EXPECT_ADJIT_ERROR(nn::LSTM(nn::LSTMOptions(3, 4).dropout(1.5)),
                     "LSTM: dropout must be a probability in [0, 1], got "
                     "1.500000");
  nn::LSTM projected(nn::LSTMOptions(3, 4).proj_size(2).bidirectional(true));
  EXPECT_ADJIT_ERROR(
      projected->forward(zeros({5, 2, 3}),
                         std::make_tuple(zeros({2, 2, 4}), zeros({2, 2, 4}))),
      "LSTM: expected h_0 of shape [2, 2, 2], got [2, 2, 4]");
  EXPECT_ADJIT_ERROR(nn::LSTM(nn::LSTMOptions(3, 4).num_layers(0)),
                     "LSTM: input_size, hidden_size and num_layers must be "
                     "positive, got 3, 4 and 0");
}

} // namespace
