//===- CollectiveLowering.cpp - adjit collectives to runtime calls --------===//
//
// A collective in flight reads and writes its buffer behind the compiler's
// back, so it gets a buffer of its own: a fresh memref.alloc holding a copy
// of the operand, whose address the start call hands to MPI and which the
// wait returns as the result tensor (bufferization.to_tensor restrict).
// The calls are opaque to LLVM, which therefore keeps every access to the
// buffer after the wait.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/AdjitToLinalg/RuntimeFunctions.h"
#include "adjit/Conversion/Passes.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// The suffix of the start function for `elementType`.
std::string elementSuffix(Type elementType) {
  if (elementType.isF32())
    return "f32";
  if (elementType.isF64())
    return "f64";
  return "i64";
}

/// Declares the runtime functions the collectives of a module call.
class RuntimeDeclarations {
public:
  explicit RuntimeDeclarations(ModuleOp module)
      : module(module), symbols(module) {}

  /// Returns the name of `signature`'s function `name`, declaring it; fails
  /// after an error at `user` if another symbol has that name.
  FailureOr<StringRef> declare(Operation *user, StringRef name,
                               FunctionType signature, bool cInterface) {
    Operation *existing = symbols.lookup(name);
    if (!existing) {
      OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
      auto declaration =
          func::FuncOp::create(builder, module.getLoc(), name, signature);
      declaration.setPrivate();
      if (cInterface)
        declaration->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
      symbols.insert(declaration);
      return declaration.getSymName();
    }
    auto declared = dyn_cast<func::FuncOp>(existing);
    if (declared && declared.isDeclaration() &&
        declared.getFunctionType() == signature)
      return declared.getSymName();
    return user->emitOpError("cannot call the runtime function '")
           << name << "': the module defines another symbol of that name";
  }

private:
  ModuleOp module;
  SymbolTable symbols;
};

/// A started all-reduce: its buffer and the request the runtime returned.
struct Started {
  Value buffer;
  Value request;
};

/// Emits, before `op`, the copy of `operand` into a new buffer and the call
/// starting its all-reduce.
FailureOr<Started> emitStart(Operation *op, Value operand, ReduceKind kind,
                             RuntimeDeclarations &runtime) {
  OpBuilder builder(op);
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(operand.getType());
  Type elementType = type.getElementType();
  MLIRContext *context = op->getContext();
  auto i64 = IntegerType::get(context, 64);
  auto flatType = MemRefType::get({ShapedType::kDynamic}, elementType);
  FailureOr<StringRef> start = runtime.declare(
      op, getRuntimeAllReduceStartName(elementSuffix(elementType)),
      FunctionType::get(context, {flatType, i64}, {i64}),
      /*cInterface=*/true);
  if (failed(start))
    return failure();

  auto bufferType = MemRefType::get(type.getShape(), elementType);
  Value buffer = memref::AllocOp::create(builder, loc, bufferType);
  // The operand, read through a buffer of any layout.
  auto anyLayout = MemRefType::get(
      type.getShape(), elementType,
      StridedLayoutAttr::get(
          context, ShapedType::kDynamic,
          SmallVector<int64_t>(type.getRank(), ShapedType::kDynamic)));
  Value source = bufferization::ToBufferOp::create(builder, loc, anyLayout,
                                                   operand, /*readOnly=*/true);
  memref::CopyOp::create(builder, loc, source, buffer);
  int64_t count = type.getNumElements();
  Value flat = memref::ReinterpretCastOp::create(
      builder, loc, MemRefType::get({count}, elementType), buffer,
      /*offset=*/0, /*sizes=*/ArrayRef<int64_t>{count},
      /*strides=*/ArrayRef<int64_t>{1});
  Value dynamic = memref::CastOp::create(builder, loc, flatType, flat);
  Value kindValue = arith::ConstantOp::create(
      builder, loc, builder.getI64IntegerAttr(static_cast<int64_t>(kind)));
  Value request = func::CallOp::create(builder, loc, *start, TypeRange{i64},
                                       ValueRange{dynamic, kindValue})
                      .getResult(0);
  return Started{buffer, request};
}

/// Emits, before `op`, the wait for `started` and returns its buffer as a
/// tensor of `type`.
FailureOr<Value> emitWait(Operation *op, const Started &started,
                          RankedTensorType type, RuntimeDeclarations &runtime) {
  OpBuilder builder(op);
  Location loc = op->getLoc();
  auto i64 = IntegerType::get(op->getContext(), 64);
  FailureOr<StringRef> wait =
      runtime.declare(op, kRuntimeAllReduceWaitName,
                      FunctionType::get(op->getContext(), {i64}, {}),
                      /*cInterface=*/false);
  if (failed(wait))
    return failure();
  func::CallOp::create(builder, loc, *wait, TypeRange{},
                       ValueRange{started.request});
  return bufferization::ToTensorOp::create(builder, loc, type, started.buffer,
                                           builder.getUnitAttr(),
                                           builder.getUnitAttr())
      .getResult();
}

} // namespace

LogicalResult adjit::lowerCollectives(ModuleOp module) {
  SmallVector<Operation *> collectives;
  module.walk([&](Operation *op) {
    if (isa<AllReduceOp, AllReduceStartOp>(op))
      collectives.push_back(op);
  });
  if (collectives.empty())
    return success();
  RuntimeDeclarations runtime(module);
  for (Operation *op : collectives) {
    if (auto allReduce = dyn_cast<AllReduceOp>(op)) {
      FailureOr<Started> started =
          emitStart(op, allReduce.getOperand(), allReduce.getKind(), runtime);
      if (failed(started))
        return failure();
      FailureOr<Value> result = emitWait(
          op, *started, cast<RankedTensorType>(allReduce.getType()), runtime);
      if (failed(result))
        return failure();
      allReduce.getResult().replaceAllUsesWith(*result);
      op->erase();
      continue;
    }
    auto start = cast<AllReduceStartOp>(op);
    // The verifier guarantees the one wait, later in the same block.
    auto wait = cast<AllReduceWaitOp>(*start.getHandle().user_begin());
    FailureOr<Started> started =
        emitStart(op, start.getOperand(), start.getKind(), runtime);
    if (failed(started))
      return failure();
    FailureOr<Value> result = emitWait(
        wait, *started, cast<RankedTensorType>(wait.getType()), runtime);
    if (failed(result))
      return failure();
    wait.getResult().replaceAllUsesWith(*result);
    wait->erase();
    op->erase();
  }
  return success();
}
