//===- JITBindings.cpp - jit.compile, jit.trace, jit.TrainStep ------------===//

#include "Callables.h"

#include "adjit/Error.h"
#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace adjit;
using namespace adjit::python;

namespace {

/// Lowers adjit IR text with the adjit-to-llvm pipeline, with the default
/// options the JIT compiles with: the LLVM dialect module it runs.
std::string lowerToLLVM(const std::string &ir) {
  mlir::MLIRContext context(jit::Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += (diagnostics.empty() ? "" : "\n") + d.str();
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(ir, &context);
  if (!module)
    throw Error("jit.lower: cannot parse the IR: " + diagnostics);
  mlir::PassManager pm(&context);
  mlir::adjit::AdjitToLLVMOptions lowering;
  lowering.genericAllocation = true; // as the JIT lowers
  mlir::adjit::buildAdjitToLLVMPipeline(pm, lowering);
  if (mlir::failed(pm.run(*module)))
    throw Error("jit.lower: adjit-to-llvm failed: " + diagnostics);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

/// Returns the options of a function compiled as `name`; throws
/// adjit::Error (adjit.Error in Python) unless `maxCompilations` is
/// positive.
jit::CompileOptions makeCompileOptions(const char *api, const std::string &name,
                                       bool assumePure,
                                       int64_t maxCompilations) {
  if (maxCompilations < 1)
    throw Error(std::string(api) + ": max_compilations of '" + name +
                "' must be at least 1, got " + std::to_string(maxCompilations));
  jit::CompileOptions options;
  options.name = name;
  options.assumePure = assumePure;
  options.maxCompilations = static_cast<size_t>(maxCompilations);
  return options;
}

template <typename Options>
jit::TrainStep makeTrainStep(py::function loss, const Options &options,
                             const std::string &name, bool assumePure,
                             int64_t maxCompilations) {
  jit::CompileOptions compileOptions =
      makeCompileOptions("jit.TrainStep", name, assumePure, maxCompilations);
  return jit::TrainStep(toTensorFunction(std::move(loss), "jit.TrainStep"),
                        options, compileOptions);
}

/// A TrainStep with the update rule, parameter groups and per-group options
/// of `optimizer` (an optim.SGD, Adam or AdamW; its state is not used).
jit::TrainStep makeTrainStepFrom(py::function loss,
                                 const optim::Optimizer &optimizer,
                                 const std::string &name, bool assumePure,
                                 int64_t maxCompilations) {
  jit::CompileOptions compileOptions =
      makeCompileOptions("jit.TrainStep", name, assumePure, maxCompilations);
  jit::TensorFunction function =
      toTensorFunction(std::move(loss), "jit.TrainStep");
  const std::vector<optim::OptimizerParamGroup> &groups =
      optimizer.param_groups();
  const optim::OptimizerOptions &defaults = optimizer.defaults();
  if (auto *adamw = dynamic_cast<const optim::AdamWOptions *>(&defaults))
    return jit::TrainStep(std::move(function), groups, *adamw, compileOptions);
  if (auto *adam = dynamic_cast<const optim::AdamOptions *>(&defaults))
    return jit::TrainStep(std::move(function), groups, *adam, compileOptions);
  return jit::TrainStep(std::move(function), groups,
                        dynamic_cast<const optim::SGDOptions &>(defaults),
                        compileOptions);
}

} // namespace

void adjit::python::bindJIT(py::module_ &m) {
  bindForeignExceptions(m);
  py::module_ jit = m.def_submodule("_jit", "The JIT of the C++ API");
  py::class_<jit::CompiledMultiFunction>(jit, "CompiledFunction")
      .def("__call__",
           [](const jit::CompiledMultiFunction &f, py::args args) {
             return toPyList(f(toInputs(args)));
           })
      .def("stats",
           [](const jit::CompiledMultiFunction &f) {
             return statsOf(f.getStats());
           })
      .def("last_ir", &jit::CompiledMultiFunction::getLastIR);
  jit.def(
      "compile",
      [](py::function fn, const std::string &name, bool assumePure,
         int64_t maxCompilations) {
        jit::CompileOptions options = makeCompileOptions(
            "jit.compile", name, assumePure, maxCompilations);
        return jit::compile(toMultiTensorFunction(std::move(fn), "jit.compile"),
                            options);
      },
      py::arg("fn"), py::arg("name"), py::arg("assume_pure") = false,
      py::arg("max_compilations") = jit::CompileOptions().maxCompilations);
  jit.def(
      "trace",
      [](py::function fn, py::args inputs, const std::string &name) {
        return jit::trace(toMultiTensorFunction(std::move(fn), "jit.trace"),
                          toInputs(inputs), name);
      },
      py::arg("fn"), py::kw_only(), py::arg("name") = "traced");
  jit.def("lower", &lowerToLLVM, py::arg("ir"));
  // The background compiles do not need the GIL; waiting holds none.
  jit.def("wait_for_tier_ups", &jit::waitForTierUps,
          py::call_guard<py::gil_scoped_release>());
  bindTransforms(jit);

  py::class_<jit::TrainStep>(jit, "TrainStep")
      .def(py::init(&makeTrainStep<optim::SGDOptions>), py::arg("loss_fn"),
           py::arg("options"), py::arg("name"), py::arg("assume_pure"),
           py::arg("max_compilations"))
      .def(py::init(&makeTrainStep<optim::AdamOptions>), py::arg("loss_fn"),
           py::arg("options"), py::arg("name"), py::arg("assume_pure"),
           py::arg("max_compilations"))
      .def(py::init(&makeTrainStep<optim::AdamWOptions>), py::arg("loss_fn"),
           py::arg("options"), py::arg("name"), py::arg("assume_pure"),
           py::arg("max_compilations"))
      .def(py::init(&makeTrainStepFrom), py::arg("loss_fn"),
           py::arg("optimizer"), py::arg("name"), py::arg("assume_pure"),
           py::arg("max_compilations"))
      .def(
          "clip_grad_norm",
          [](jit::TrainStep &step, double maxNorm) {
            step.clip_grad_norm(maxNorm);
          },
          py::arg("max_norm"))
      .def_property_readonly("last_grad_norm", &jit::TrainStep::getLastGradNorm)
      .def_property_readonly("optimizer", &jit::TrainStep::optimizer,
                             py::return_value_policy::reference_internal)
      .def("__call__", [](jit::TrainStep &step,
                          py::args args) { return step(toInputs(args)); })
      .def_property("lr", &jit::TrainStep::getLearningRate,
                    &jit::TrainStep::setLearningRate)
      .def_property_readonly("step_count", &jit::TrainStep::getStepCount)
      .def("stats",
           [](const jit::TrainStep &s) { return statsOf(s.getStats()); })
      .def("last_ir", &jit::TrainStep::getLastIR);
}
