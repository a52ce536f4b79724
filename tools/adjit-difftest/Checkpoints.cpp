//===- Checkpoints.cpp - scan programs under random checkpoint policies ---===//

#include "Checkpoints.h"

#include "Check.h"

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"
#include "adjit/Error.h"
#include "adjit/JIT.h"
#include "adjit/JIT/Buffer.h"
#include "adjit/JIT/Engine.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <random>

using namespace adjit;
using namespace adjit::difftest;

namespace {

/// Sets a random checkpoint policy, one that fits its length, on `scan`;
/// returns its description.
std::string setRandomPolicy(mlir::adjit::ScanOp scan,
                            std::mt19937_64 &generator) {
  using mlir::adjit::CheckpointPolicy;
  int64_t length = scan.getLength();
  // `every K` needs 1 <= K <= length.
  uint64_t choices = length > 0 ? 4 : 3;
  CheckpointPolicy policies[] = {
      CheckpointPolicy::store_all, CheckpointPolicy::sqrt,
      CheckpointPolicy::recompute_all, CheckpointPolicy::every};
  CheckpointPolicy policy = policies[generator() % choices];
  scan.setCheckpoint(policy);
  scan.removeCheckpointEveryAttr();
  std::string text = mlir::adjit::stringifyCheckpointPolicy(policy).str();
  if (policy == CheckpointPolicy::every) {
    int64_t every =
        1 + static_cast<int64_t>(generator() % static_cast<uint64_t>(length));
    scan.setCheckpointEvery(every);
    text += " " + std::to_string(every);
  }
  return text + " of " + std::to_string(length);
}

Tensor toTensor(const jit::Buffer &buffer) {
  const double *data = buffer.getDataAs<double>();
  return from_vector(std::vector<double>(data, data + buffer.getNumElements()),
                     buffer.getShape(), kFloat64);
}

} // namespace

PolicyComputation
adjit::difftest::computeUnderRandomPolicies(const Program &program) {
  PolicyComputation c;
  c.gradients.resize(program.inputs.size());
  try {
    std::vector<Tensor> leaves = makeInputs(program, true);
    std::string traced =
        jit::trace(asFunction(program, leaves), argumentsOf(program, leaves),
                   kFunctionName);
    mlir::MLIRContext context(jit::Engine::getDialectRegistry());
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(traced, &context);
    if (!module)
      throw Error("the traced IR does not parse");
    std::mt19937_64 generator(program.seed * 7919 + 1);
    module->walk([&](mlir::adjit::ScanOp scan) {
      c.policies +=
          (c.policies.empty() ? "" : ", ") + setRandomPolicy(scan, generator);
    });
    if (c.policies.empty())
      throw Error("the traced IR of a program with scans has no adjit.scan");

    std::vector<int> order = getArgumentOrder(program);
    mlir::adjit::AdjitAutodiffOptions options;
    options.function = kFunctionName;
    options.cleanup = true;
    for (size_t a = 0; a < order.size(); ++a)
      if (program.inputs[order[a]].requiresGrad)
        options.wrt.push_back(static_cast<int64_t>(a));
    if (options.wrt.empty())
      throw Error("no argument of the traced function requires grad");
    mlir::PassManager pm(&context);
    pm.addPass(mlir::adjit::createAdjitAutodiff(options));
    if (mlir::failed(pm.run(*module)))
      throw Error("adjit-autodiff failed under checkpoint policies " +
                  c.policies);

    static jit::Engine engine;
    std::shared_ptr<const jit::CompiledModule> compiled =
        engine.compile(std::move(module));
    std::vector<jit::BufferView> arguments;
    for (int i : order) {
      const Input &input = program.inputs[i];
      arguments.push_back(
          jit::BufferView{input.values.data(),
                          jit::TensorType{jit::ElementType::F64, input.shape},
                          {}});
    }
    std::vector<jit::Buffer> results =
        compiled->call(std::string(kFunctionName) + "_grad", arguments);
    c.loss = toTensor(results[0]);
    for (size_t k = 0; k < options.wrt.size(); ++k)
      c.gradients[order[options.wrt[k]]] = toTensor(results[1 + k]);
  } catch (const Error &error) {
    c.error = error.what();
  }
  return c;
}
