//===- TransformsScanTest.cpp - jit::grad and jit::vjp with jit::scan -----===//
//
// The compiled transforms composed with loops: jit::grad of a function that
// contains a jit::scan (lengths 0, 1 and 6), jit::vjp of an nn::LSTM w.r.t.
// its inputs and parameters, second derivatives through a scan (grad of grad
// and a Hessian-vector product), and a scan whose step calls jit::grad. Each
// against eager autograd (create_graph for second order) and central finite
// differences.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT/Scan.h"
#include "adjit/JIT/Transforms.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace adjit;

namespace {

using test::count;
using test::expectClose;
using test::finiteDifferences;

/// An Elman recurrence h' = tanh(w * h + x) over the rows of `xs`, each step
/// also emitting sum(h' * h): sum(h_T^2) + the sum of the outputs.
Tensor recurrence(const Tensor &h0, const Tensor &xs, const Tensor &w) {
  auto [h, ys] = jit::scan(
      [&](const Tensor &c, const Tensor &x) {
        Tensor next = tanh(w * c + x);
        return std::make_pair(next, (next * c).sum());
      },
      h0, xs);
  return (h * h).sum() + ys.sum();
}

Tensor recurrenceOf(const std::vector<Tensor> &in) {
  return recurrence(in[0], in[1], in[2]);
}

/// Copies of `tensors` that are leaves requiring grad.
std::vector<Tensor> leavesOf(const std::vector<Tensor> &tensors) {
  std::vector<Tensor> leaves;
  for (const Tensor &t : tensors)
    leaves.push_back(t.detach().clone().requires_grad_());
  return leaves;
}

TEST(TransformsWithScan, GradOfAFunctionWithAScan) {
  for (int64_t length : {0, 1, 6}) {
    SCOPED_TRACE("length " + std::to_string(length));
    manual_seed(21);
    std::vector<Tensor> inputs = {randn({3}, kFloat64),
                                  randn({length, 3}, kFloat64),
                                  randn({3}, kFloat64) * 0.7};
    jit::GradFunction gradient = jit::grad(recurrenceOf, {0, 1, 2});
    std::vector<Tensor> compiled = gradient(inputs);
    ASSERT_EQ(compiled.size(), 3u);
    std::vector<Tensor> leaves = leavesOf(inputs);
    std::vector<Tensor> eager =
        autograd::grad({recurrenceOf(leaves)}, leaves, {}, std::nullopt,
                       /*createGraph=*/false, /*allowUnused=*/true);
    for (size_t i = 0; i < 3; ++i) {
      SCOPED_TRACE("input " + std::to_string(i));
      Tensor expected = eager[i].defined() ? eager[i] : zeros_like(inputs[i]);
      expectClose(compiled[i], expected);
      expectClose(compiled[i], finiteDifferences(recurrenceOf, inputs, i));
    }
    // One loop in the traced function, differentiated as a loop: the
    // gradient has its forward and reverse sweeps (which canonicalization
    // removes for lengths 0 and 1).
    std::string ir = gradient.getLastIR();
    EXPECT_GE(count(ir, "adjit.scan"), length > 1 ? 3u : 1u) << ir;
  }
}

/// The LSTM's outputs (output, h_n, c_n) on in[0] with state (in[1],
/// in[2]).
std::vector<Tensor> lstmOutputs(nn::LSTM &lstm, const std::vector<Tensor> &in) {
  auto [output, state] = lstm->forward(in[0], std::make_tuple(in[1], in[2]));
  return {output, std::get<0>(state), std::get<1>(state)};
}

TEST(TransformsWithScan, VjpOfAnLstmWrtInputsAndParameters) {
  manual_seed(3);
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(2));
  lstm->to(kFloat64);
  std::vector<Tensor> parameters = lstm->parameters();
  ASSERT_EQ(parameters.size(), 8u);
  std::vector<Tensor> inputs = {randn({5, 2, 3}, kFloat64),
                                randn({2, 2, 4}, kFloat64) * 0.5,
                                randn({2, 2, 4}, kFloat64) * 0.5};
  std::vector<Tensor> cotangents = {randn({5, 2, 4}, kFloat64),
                                    randn({2, 2, 4}, kFloat64),
                                    randn({2, 2, 4}, kFloat64)};
  auto f = [&](const std::vector<Tensor> &in) { return lstmOutputs(lstm, in); };

  // Eager autograd, w.r.t. the inputs and the module's parameters.
  std::vector<Tensor> leaves = leavesOf(inputs);
  std::vector<Tensor> eagerOutputs = lstmOutputs(lstm, leaves);
  std::vector<Tensor> wrt = leaves;
  wrt.insert(wrt.end(), parameters.begin(), parameters.end());
  std::vector<Tensor> eager = autograd::grad(eagerOutputs, wrt, cotangents);

  // Finite differences of sum_k <output_k, cotangent_k>; a parameter's
  // perturbation is written into the module's tensor and undone.
  auto projected = [&](std::vector<Tensor> in) {
    NoGradGuard noGrad;
    std::vector<Tensor> saved;
    auto write = [](Tensor &to, const Tensor &from) {
      Tensor values = from.contiguous();
      std::memcpy(to.data_ptr<double>(), values.data_ptr<double>(),
                  sizeof(double) * values.numel());
    };
    for (size_t p = 0; p < parameters.size(); ++p) {
      saved.push_back(parameters[p].clone());
      write(parameters[p], in[3 + p]);
    }
    std::vector<Tensor> outputs = lstmOutputs(lstm, in);
    Tensor sum = zeros({}, kFloat64);
    for (size_t k = 0; k < 3; ++k)
      sum = sum + (outputs[k] * cotangents[k]).sum();
    for (size_t p = 0; p < parameters.size(); ++p)
      write(parameters[p], saved[p]);
    return sum;
  };
  std::vector<Tensor> all = inputs;
  for (const Tensor &p : parameters)
    all.push_back(p.detach().clone());

  // jit::vjp: the cotangents of the inputs.
  jit::VjpFunction function = jit::vjp(f);
  jit::VjpResult result = function(inputs);
  ASSERT_EQ(result.outputs.size(), 3u);
  for (size_t k = 0; k < 3; ++k)
    expectClose(result.outputs[k], eagerOutputs[k]);
  std::vector<Tensor> products = result.pullback(cotangents);
  ASSERT_EQ(products.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("input " + std::to_string(i));
    expectClose(products[i], eager[i]);
    expectClose(products[i], finiteDifferences(projected, all, i));
  }
  // Each layer is one loop: two in the function, and in the vector-Jacobian
  // product each layer's forward and reverse sweeps.
  EXPECT_GE(count(function.getLastIR(), "adjit.scan"), 6u)
      << function.getLastIR();

  // The parameters' cotangents: a transform differentiates its inputs only,
  // and the module reads its own tensors, so they come from jit::compile of
  // the projection, which accumulates them into .grad().
  jit::CompiledFunction projection = jit::compile(
      [&](const std::vector<Tensor> &in) {
        std::vector<Tensor> outputs = lstmOutputs(lstm, in);
        Tensor sum = (outputs[0] * cotangents[0]).sum();
        for (size_t k = 1; k < 3; ++k)
          sum = sum + (outputs[k] * cotangents[k]).sum();
        return sum;
      },
      "lstm_projection");
  lstm->zero_grad();
  projection(inputs);
  for (size_t p = 0; p < parameters.size(); ++p) {
    SCOPED_TRACE("parameter " + std::to_string(p));
    expectClose(parameters[p].grad(), eager[3 + p]);
    expectClose(parameters[p].grad(), finiteDifferences(projected, all, 3 + p));
  }
}

TEST(TransformsWithScan, GradOfGradThroughAScan) {
  // A scalar weight a: f(a) = recurrence(h0, xs, a) for fixed h0 and xs.
  manual_seed(8);
  Tensor h0 = randn({3}, kFloat64), xs = randn({4, 3}, kFloat64);
  auto f = [&](const std::vector<Tensor> &in) {
    return recurrence(h0, xs, in[0]);
  };
  jit::GradFunction first = jit::grad(f);
  jit::GradFunction second = jit::grad(first);
  for (double a : {0.4, -0.9}) {
    SCOPED_TRACE("a = " + std::to_string(a));
    Tensor x = from_vector(std::vector<double>{a}, {}, kFloat64);
    Tensor leaf = x.clone().requires_grad_();
    Tensor d1 = autograd::grad({f({leaf})}, {leaf}, {}, std::nullopt,
                               /*createGraph=*/true)[0];
    Tensor d2 = autograd::grad({d1}, {leaf})[0];
    expectClose(second(x)[0], d2);
    expectClose(
        second(x)[0],
        finiteDifferences([&](std::vector<Tensor> in) { return first(in)[0]; },
                          {x}, 0));
  }
  EXPECT_EQ(second.getStats().compilations, 1);
  // Derived in the IR from the loop: no call, and loops, not unrolled steps.
  std::string ir = second.getLastIR();
  EXPECT_EQ(ir.find("call"), std::string::npos) << ir;
  EXPECT_GE(count(ir, "adjit.scan"), 3u) << ir;
}

TEST(TransformsWithScan, HessianVectorProductThroughAScan) {
  manual_seed(9);
  Tensor h0 = randn({3}, kFloat64), xs = randn({5, 3}, kFloat64);
  Tensor w = randn({3}, kFloat64) * 0.6, v = randn({3}, kFloat64);
  auto f = [&](const std::vector<Tensor> &in) {
    return recurrence(in[1], xs, in[0]);
  };
  jit::GradFunction gradient = jit::grad(f, {0, 1});
  // d/d(w, h0) of <grad_w f, v>: the rows H_ww v and H_h0w v.
  jit::GradFunction hvp = jit::grad(
      [&](const std::vector<Tensor> &in) {
        return (gradient(in)[0] * v).sum();
      },
      {0, 1});
  std::vector<Tensor> compiled = hvp({w, h0});
  std::vector<Tensor> leaves = leavesOf({w, h0});
  Tensor g = autograd::grad({f(leaves)}, {leaves[0]}, {}, std::nullopt,
                            /*createGraph=*/true)[0];
  std::vector<Tensor> eager = autograd::grad({(g * v).sum()}, leaves);
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("input " + std::to_string(i));
    expectClose(compiled[i], eager[i]);
    expectClose(compiled[i], finiteDifferences(
                                 [&](std::vector<Tensor> in) {
                                   return (gradient(in)[0] * v).sum();
                                 },
                                 {w, h0}, i));
  }
}

/// Gradient descent on the parameters `w` of a per-step loss, one step per
/// row of `xs`, with the per-step gradient computed by `stepGradient`:
/// sum(w_T^2) + the sum of each step's <w', x>.
Tensor unrolledDescent(
    const Tensor &w0, const Tensor &xs,
    const std::function<Tensor(const Tensor &, const Tensor &)> &stepGradient) {
  auto [w, ys] = jit::scan(
      [&](const Tensor &c, const Tensor &x) {
        Tensor next = c - stepGradient(c, x) * 0.3;
        return std::make_pair(next, (next * x).sum());
      },
      w0, xs);
  return (w * w).sum() + ys.sum();
}

/// The per-step loss of unrolledDescent: sum(tanh(w * x)) + sum(w^2) / 2.
Tensor stepLoss(const Tensor &w, const Tensor &x) {
  return tanh(w * x).sum() + (w * w).sum() * 0.5;
}

TEST(TransformsWithScan, ScanWhoseStepCallsGrad) {
  manual_seed(12);
  Tensor w0 = randn({3}, kFloat64), xs = randn({4, 3}, kFloat64);
  jit::GradFunction stepGradient = jit::grad(
      [](const std::vector<Tensor> &in) { return stepLoss(in[0], in[1]); });
  // Compiled: the trace of the step pastes the differentiated step loss into
  // the scan's body, and the outer gradient differentiates it again.
  Tensor compiledW0 = w0.clone().requires_grad_(),
         compiledXs = xs.clone().requires_grad_();
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return unrolledDescent(in[0], in[1],
                               [&](const Tensor &w, const Tensor &x) {
                                 return stepGradient({w, x})[0];
                               });
      },
      "unrolled_descent");
  Tensor value = loss(compiledW0, compiledXs);

  // Eager: the same loop, the step's gradient by autograd with create_graph.
  auto eagerStepGradient = [](const Tensor &w, const Tensor &x) {
    return autograd::grad({stepLoss(w, x)}, {w}, {}, std::nullopt,
                          /*createGraph=*/true)[0];
  };
  std::vector<Tensor> leaves = leavesOf({w0, xs});
  Tensor eagerLoss = unrolledDescent(leaves[0], leaves[1], eagerStepGradient);
  eagerLoss.backward();
  expectClose(value, eagerLoss);
  expectClose(compiledW0.grad(), leaves[0].grad());
  expectClose(compiledXs.grad(), leaves[1].grad());
  auto eagerOf = [&](std::vector<Tensor> in) {
    // finiteDifferences runs without grad; the step's gradient needs it.
    AutoGradMode enabled(true);
    for (Tensor &t : in)
      t = t.detach().clone().requires_grad_();
    return unrolledDescent(in[0], in[1], eagerStepGradient).detach();
  };
  expectClose(compiledW0.grad(), finiteDifferences(eagerOf, {w0, xs}, 0));
  expectClose(compiledXs.grad(), finiteDifferences(eagerOf, {w0, xs}, 1));
  EXPECT_GE(count(loss.getLastIR(), "adjit.scan"), 2u);
}

} // namespace
