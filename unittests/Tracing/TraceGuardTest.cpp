//===- TraceGuardTest.cpp - compiled code follows the host state it reads -===//
//
// A compiled function replays its function in shape-only mode before reusing
// compiled code; host state that changes the ops recompiles, with the reason.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"
#include "adjit/JIT.h"

#include <sstream>

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(TraceGuard, CapturedHostScalarThatChangesRecompiles) {
  double scale = 0.5;
  jit::CompiledFunction f = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * scale).sum(); });
  Tensor x = from_vector({1, 2, 3}, {3});
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 3.0);
  EXPECT_EQ(f.getStats().compilations, 1);
  EXPECT_EQ(f.getStats().cacheHits, 1);
  scale = 0.25;
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 1.5);
  EXPECT_EQ(f.getStats().compilations, 2);
  EXPECT_EQ(f.getStats().lastReason,
            "scalar operand 1 of mul (op 1) changed from 0.5 to 0.25");
  // Both versions are kept: going back reuses the first.
  scale = 0.5;
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 3.0);
  EXPECT_EQ(f.getStats().compilations, 2);
  EXPECT_EQ(f.getStats().cacheHits, 2);
}

TEST(TraceGuard, HostControlFlowThatChangesRecompiles) {
  int epoch = 0;
  Tensor w = from_vector({1, -2}, {2}, requires_grad());
  jit::CompiledFunction loss = jit::compile([&](const std::vector<Tensor> &in) {
    Tensor y = in[0] * w;
    if (epoch > 10)
      y = y.relu();
    return y.sum();
  });
  Tensor x = from_vector({3, 4}, {2});
  EXPECT_DOUBLE_EQ(loss(x).item<double>(), -5.0);
  epoch = 11;
  EXPECT_DOUBLE_EQ(loss(x).item<double>(), 3.0);
  EXPECT_EQ(loss.getStats().compilations, 2);
  EXPECT_EQ(loss.getStats().lastReason,
            "op 1 is relu, but was sum when traced");
  // The gradients are those of the relu version: 3 + 0 added to the first
  // call's 3 and 4.
  expectClose(w.grad(), from_vector({6, 4}, {2}));
}

TEST(TraceGuard, FewerOpsThanTracedRecompiles) {
  bool shift = true;
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    Tensor y = in[0].exp();
    if (shift)
      y = y.neg();
    return y;
  });
  Tensor x = from_vector({0, 1}, {2});
  f(x);
  shift = false;
  expectClose(f(x), x.exp());
  EXPECT_EQ(f.getStats().lastReason,
            "the function ran 1 ops, but 2 when traced");
}

TEST(TraceGuard, GradModeInsideTheFunctionIsChecked) {
  bool frozen = false;
  Tensor w = from_vector({2}, {1}, requires_grad());
  jit::CompiledFunction loss = jit::compile([&](const std::vector<Tensor> &in) {
    Tensor scaled;
    if (frozen) {
      NoGradGuard noGrad;
      scaled = in[0] * w;
    } else {
      scaled = in[0] * w;
    }
    return (scaled * w).sum();
  });
  Tensor x = from_vector({3}, {1});
  loss(x); // d/dw (3 w^2) = 6 w = 12
  expectClose(w.grad(), from_vector({12}, {1}));
  frozen = true;
  loss(x); // the frozen factor passes no gradient: 3 w = 6
  expectClose(w.grad(), from_vector({18}, {1}));
  EXPECT_EQ(loss.getStats().compilations, 2);
  EXPECT_EQ(loss.getStats().lastReason,
            "mul (op 0) runs with grad mode off, but ran with it on when "
            "traced");
}

TEST(TraceGuard, ZeroDimTensorInputsChangeWithoutRecompiling) {
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return (in[0] * in[1]).sum(); });
  Tensor x = from_vector({1, 2, 3}, {3});
  EXPECT_DOUBLE_EQ(f(x, scalar_tensor(0.5)).item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(f(x, scalar_tensor(0.25)).item<double>(), 1.5);
  EXPECT_EQ(f.getStats().compilations, 1);
  EXPECT_EQ(f.getStats().replays, 1);
}

TEST(TraceGuard, ConstantWhoseValuesChangeRecompiles) {
  std::vector<double> offsets = {1, 2};
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    return in[0] + from_vector(offsets, {2});
  });
  Tensor x = from_vector({10, 20}, {2});
  f(x);
  offsets = {3, 4};
  expectClose(f(x), from_vector({13, 24}, {2}));
  EXPECT_EQ(f.getStats().lastReason,
            "the from_vector constant of shape [2] (operand 1 of add (op 1)) "
            "changed its values");
}

TEST(TraceGuard, HostShapeOfAViewThatChangesRecompiles) {
  int64_t rows = 2;
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    return sum(view(in[0], {rows, -1}), {0});
  });
  Tensor x = arange(12.0);
  expectClose(f(x), from_vector({6, 8, 10, 12, 14, 16}, {6}));
  rows = 3;
  expectClose(f(x), from_vector({12, 15, 18, 21}, {4}));
  EXPECT_EQ(f.getStats().compilations, 2);
  EXPECT_EQ(f.getStats().lastReason,
            "the attributes of view (op 0) changed from [2, -1] to [3, -1]");
}

TEST(TraceGuard, ArangeIsComparedByItsArguments) {
  double count = 3;
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    return in[0] + arange(count).sum();
  });
  Tensor x = from_vector({10}, {1});
  expectClose(f(x), from_vector({13}, {1}));
  expectClose(f(x), from_vector({13}, {1}));
  EXPECT_EQ(f.getStats().compilations, 1);
  EXPECT_EQ(f.getStats().cacheHits, 1);
  count = 4;
  expectClose(f(x), from_vector({16}, {1}));
  EXPECT_EQ(f.getStats().compilations, 2);
  EXPECT_EQ(f.getStats().lastReason,
            "the arguments of the arange constant (op 0) changed");
}

TEST(TraceGuard, AnotherCapturedTensorRecompiles) {
  auto weights = std::make_shared<Tensor>(from_vector({1, 1}, {2}));
  jit::CompiledFunction f = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * *weights).sum(); });
  Tensor x = from_vector({1, 2}, {2});
  Tensor kept = *weights; // the first version's tensor stays alive
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 3.0);
  *weights = from_vector({2, 2}, {2});
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 6.0);
  EXPECT_EQ(f.getStats().compilations, 2);
  EXPECT_EQ(f.getStats().lastReason,
            "operand 1 of mul (op 0) is a tensor the trace did not see (shape "
            "[2]), but was argument 1 when traced");
}

TEST(TraceGuard, InputsThatStopAliasingRecompile) {
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return (in[0] * in[1]).sum(); });
  Tensor a = from_vector({1, 2}, {2}), b = from_vector({3, 4}, {2});
  EXPECT_DOUBLE_EQ(f(a, a).item<double>(), 5.0);
  EXPECT_DOUBLE_EQ(f(a, b).item<double>(), 11.0);
  EXPECT_DOUBLE_EQ(f(b, b).item<double>(), 25.0);
  EXPECT_EQ(f.getStats().compilations, 2);
}

TEST(TraceGuard, AssumePureSkipsTheReplayAndIsUnsound) {
  double scale = 0.5;
  jit::CompileOptions options;
  options.assumePure = true;
  jit::CompiledFunction f = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * scale).sum(); },
      options);
  Tensor x = from_vector({1, 2, 3}, {3});
  f(x);
  scale = 0.25;
  // As documented: the compiled code keeps the traced 0.5.
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 3.0);
  EXPECT_EQ(f.getStats().compilations, 1);
  EXPECT_EQ(f.getStats().replays, 0);
}

TEST(TraceGuard, FunctionRunsOncePerCall) {
  int runs = 0;
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    ++runs;
    return in[0].exp().sum();
  });
  Tensor x = from_vector({0, 1}, {2});
  for (int i = 0; i < 3; ++i)
    f(x);
  EXPECT_EQ(runs, 3);
}

TEST(TraceGuard, ReplayedResultIsTheCompiledOne) {
  // The replay's shape-only tensors never reach the caller.
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].tanh() * 2.0; });
  Tensor x = from_vector({0.5, -1}, {2});
  f(x);
  Tensor again = f(x);
  expectClose(again, x.tanh() * 2.0);
}

TEST(TraceGuard, HostReadsOfTracedValuesAreErrors) {
  Tensor reference = from_vector({1, 2}, {2});
  jit::CompiledFunction printing =
      jit::compile([](const std::vector<Tensor> &in) {
        Tensor y = in[0].exp();
        std::ostringstream os;
        os << y;
        return y;
      });
  EXPECT_EQ(errorOf([&] { printing(reference); }),
            "operator<<: not supported inside a traced function (it prints "
            "tensor values)");
  jit::CompiledFunction comparing =
      jit::compile([&](const std::vector<Tensor> &in) {
        return allclose(in[0], reference) ? in[0] : in[0].neg();
      });
  EXPECT_EQ(errorOf([&] { comparing(reference); }),
            "allclose: not supported inside a traced function (it reads "
            "tensor values to the host)");
}

} // namespace

namespace {
TEST(TraceGuard, AttributesAreComparedResolved) {
  // Ops report their dims normalized and slices clamped, so spelling the
  // same op differently reuses the compiled code.
  bool negative = false;
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    Tensor rows = negative ? in[0].sum({-1}) : in[0].sum({1});
    return negative ? rows.slice(0, -2, 100) : rows.slice(0, 1, 3);
  });
  Tensor x = from_vector({1, 2, 3, 4, 5, 6}, {3, 2});
  f(x);
  negative = true;
  expectClose(f(x), from_vector({7, 11}, {2}));
  EXPECT_EQ(f.getStats().compilations, 1);
  EXPECT_EQ(f.getStats().cacheHits, 1);
}
} // namespace

namespace {
TEST(TraceGuard, MaxAlongDimReplaysBothResults) {
  int64_t dim = 0;
  jit::CompiledFunction f = jit::compile([&](const std::vector<Tensor> &in) {
    auto [values, indices] = in[0].max(dim);
    return values + indices.to(Dtype::Float32);
  });
  Tensor x = from_vector({1, 5, 4, 2}, {2, 2});
  // Column maxima 4 and 5 at rows 1 and 0.
  expectClose(f(x), from_vector({5, 5}, {2}));
  expectClose(f(x), from_vector({5, 5}, {2}));
  EXPECT_EQ(f.getStats().cacheHits, 1);
  dim = 1;
  expectClose(f(x), from_vector({6, 4}, {2}));
  EXPECT_EQ(f.getStats().compilations, 2);
  EXPECT_EQ(f.getStats().lastReason,
            "the attributes of max (op 0) changed from [0, 0] to [1, 0]");
}
} // namespace
