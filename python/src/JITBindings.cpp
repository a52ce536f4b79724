//===- JITBindings.cpp - jit.compile, jit.trace, jit.TrainStep ------------===//

#include "Bindings.h"

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

#include <utility>

using namespace adjit;
using namespace adjit::python;

namespace {

/// The Python exception that carries a C++ exception of a type Python does
/// not know across the Python frames of a traced function.
PyObject *foreignExceptionType = nullptr;

/// The C++ exception that foreignExceptionType carries on this thread.
std::exception_ptr &pendingForeignException() {
  thread_local std::exception_ptr pending;
  return pending;
}

/// Rethrows the C++ exception \p error carries, if it carries one: the
/// runtime's own signals (e.g. the trace guard's replay mismatch, which is
/// no std::exception) reach the C++ code that called the Python function.
void rethrowForeignException(py::error_already_set &error) {
  std::exception_ptr pending = std::exchange(pendingForeignException(), {});
  if (pending && error.matches(foreignExceptionType))
    std::rethrow_exception(pending);
}

/// A Python callable as a jit::TensorFunction: the function gets the inputs
/// as positional arguments and must return a tensor. The callable is
/// released with the GIL held, wherever the last copy of the function dies.
jit::TensorFunction toTensorFunction(py::function fn, std::string api) {
  std::shared_ptr<py::function> callable(new py::function(std::move(fn)),
                                         [](py::function *f) {
                                           py::gil_scoped_acquire gil;
                                           delete f;
                                         });
  return [callable, api](const std::vector<Tensor> &inputs) {
    py::gil_scoped_acquire gil;
    py::tuple args(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      args[i] = py::cast(inputs[i]);
    py::object result;
    try {
      result = (*callable)(*args);
    } catch (py::error_already_set &error) {
      rethrowForeignException(error);
      throw;
    }
    if (!py::isinstance<Tensor>(result))
      throw Error(api + ": the function must return one tensor, got " +
                  py::str(py::type::of(result)).cast<std::string>());
    return result.cast<Tensor>();
  };
}

std::vector<Tensor> toInputs(const py::args &args) {
  std::vector<Tensor> inputs;
  for (py::handle a : args) {
    if (!py::isinstance<Tensor>(a))
      throw py::type_error("compiled functions take tensors, got " +
                           py::str(py::type::of(a)).cast<std::string>());
    inputs.push_back(a.cast<Tensor>());
  }
  return inputs;
}

py::dict statsOf(const jit::CompileStats &stats) {
  py::dict d;
  d["compilations"] = stats.compilations;
  d["cache_hits"] = stats.cacheHits;
  d["replays"] = stats.replays;
  d["last_reason"] = stats.lastReason;
  return d;
}

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

template <typename Options>
jit::TrainStep makeTrainStep(py::function loss, const Options &options,
                             const std::string &name, bool assumePure) {
  jit::CompileOptions compileOptions;
  compileOptions.name = name;
  compileOptions.assumePure = assumePure;
  return jit::TrainStep(toTensorFunction(std::move(loss), "jit.TrainStep"),
                        options, compileOptions);
}

/// A TrainStep with the update rule, parameter groups and per-group options
/// of `optimizer` (an optim.SGD, Adam or AdamW; its state is not used).
jit::TrainStep makeTrainStepFrom(py::function loss,
                                 const optim::Optimizer &optimizer,
                                 const std::string &name, bool assumePure) {
  jit::CompileOptions compileOptions;
  compileOptions.name = name;
  compileOptions.assumePure = assumePure;
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
  // C++ exceptions that are no std::exception cross Python code as a
  // BaseException (so `except Exception` does not swallow them) and are
  // rethrown as themselves when they come back to C++.
  foreignExceptionType = PyErr_NewException("adjit._adjit.ForeignCppException",
                                            PyExc_BaseException, nullptr);
  m.attr("ForeignCppException") = py::handle(foreignExceptionType);
  py::register_exception_translator([](std::exception_ptr exception) {
    try {
      std::rethrow_exception(exception);
    } catch (const std::exception &) {
      throw;
    } catch (...) {
      pendingForeignException() = exception;
      PyErr_SetString(foreignExceptionType,
                      "a C++ exception crossing Python code");
    }
  });
  py::module_ jit = m.def_submodule("_jit", "The JIT of the C++ API");
  py::class_<jit::CompiledFunction>(jit, "CompiledFunction")
      .def("__call__", [](const jit::CompiledFunction &f,
                          py::args args) { return f(toInputs(args)); })
      .def("stats",
           [](const jit::CompiledFunction &f) { return statsOf(f.getStats()); })
      .def("last_ir", &jit::CompiledFunction::getLastIR);
  jit.def(
      "compile",
      [](py::function fn, const std::string &name, bool assumePure) {
        jit::CompileOptions options;
        options.name = name;
        options.assumePure = assumePure;
        return jit::compile(toTensorFunction(std::move(fn), "jit.compile"),
                            options);
      },
      py::arg("fn"), py::arg("name"), py::arg("assume_pure") = false);
  jit.def(
      "trace",
      [](py::function fn, py::args inputs, const std::string &name) {
        return jit::trace(toTensorFunction(std::move(fn), "jit.trace"),
                          toInputs(inputs), name);
      },
      py::arg("fn"), py::kw_only(), py::arg("name") = "traced");
  jit.def("lower", &lowerToLLVM, py::arg("ir"));

  py::class_<jit::TrainStep>(jit, "TrainStep")
      .def(py::init(&makeTrainStep<optim::SGDOptions>), py::arg("loss_fn"),
           py::arg("options"), py::arg("name"), py::arg("assume_pure"))
      .def(py::init(&makeTrainStep<optim::AdamOptions>), py::arg("loss_fn"),
           py::arg("options"), py::arg("name"), py::arg("assume_pure"))
      .def(py::init(&makeTrainStep<optim::AdamWOptions>), py::arg("loss_fn"),
           py::arg("options"), py::arg("name"), py::arg("assume_pure"))
      .def(py::init(&makeTrainStepFrom), py::arg("loss_fn"),
           py::arg("optimizer"), py::arg("name"), py::arg("assume_pure"))
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
