//===- AdjitBase.td - adjit dialect definition and types ----*- tablegen -*-===//

#ifndef ADJIT_DIALECT_ADJIT_IR_ADJITBASE_TD
#define ADJIT_DIALECT_ADJIT_IR_ADJITBASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Adjit_Dialect : Dialect {
  let name = "adjit";
  let cppNamespace = "::mlir::adjit";
  let summary = "Value-semantics tensor operations for differentiable programs";
  let description = [{
    The `adjit` dialect holds the programs that adjit traces from eager tensor
    code and the adjoint programs its autodiff pass derives from them. Every
    op works on statically shaped, ranked tensors of `f32` or `f64` (`i64` for
    integers and indices, `i1` for masks) with value semantics. Shapes never change implicitly: binary
    elementwise ops require operands of identical type, and broadcasting is
    always spelled out with `adjit.broadcast`, so later passes never guess.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = [];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Adjit_FloatTensor : StaticShapeTensorOf<[F32, F64]>;
def Adjit_MaskTensor : StaticShapeTensorOf<[I1]>;
def Adjit_IndexTensor : StaticShapeTensorOf<[I64]>;
// Values that arithmetic is defined on: floats and signed 64-bit integers.
def Adjit_NumericTensor : StaticShapeTensorOf<[F32, F64, I64]>;
def Adjit_AnyTensor : StaticShapeTensorOf<[F32, F64, I64, I1]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Adjit_ComparePredicate : I64EnumAttr<"ComparePredicate",
    "comparison predicate of adjit.compare", [
      I64EnumAttrCase<"eq", 0>, I64EnumAttrCase<"ne", 1>,
      I64EnumAttrCase<"lt", 2>, I64EnumAttrCase<"le", 3>,
      I64EnumAttrCase<"gt", 4>, I64EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::mlir::adjit";
}

def Adjit_ReduceKind : I64EnumAttr<"ReduceKind",
    "reduction of the adjit collectives", [
      I64EnumAttrCase<"sum", 0>, I64EnumAttrCase<"mean", 1>,
      I64EnumAttrCase<"max", 2>]> {
  let cppNamespace = "::mlir::adjit";
}

// What the adjoint of an adjit.scan keeps for its reverse sweep (see
// docs/autodiff.md, "Checkpointing a scan").
def Adjit_CheckpointPolicy : I64EnumAttr<"CheckpointPolicy",
    "what the adjoint of adjit.scan tapes for its reverse sweep", [
      I64EnumAttrCase<"store_all", 0>, I64EnumAttrCase<"recompute_all", 1>,
      I64EnumAttrCase<"sqrt", 2>, I64EnumAttrCase<"every", 3>]> {
  let cppNamespace = "::mlir::adjit";
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def Adjit_CollectiveType : TypeDef<Adjit_Dialect, "Collective"> {
  let mnemonic = "collective";
  let summary = "a collective in flight, whose result is a tensor";
  let description = [{
    The handle of a collective that `adjit.all_reduce_start` started and
    `adjit.all_reduce_wait` completes; the parameter is the type of the
    tensor the wait returns: `!adjit.collective<tensor<4x8xf32>>`.
  }];
  let parameters = (ins "::mlir::RankedTensorType":$tensorType);
  let assemblyFormat = "`<` $tensorType `>`";
}

class Adjit_Op<string mnemonic, list<Trait> traits = []>
    : Op<Adjit_Dialect, mnemonic, traits>;

// An op whose result type follows from its operands and attributes. Its
// verifier runs the type inference, so that a malformed op gets the
// inference's diagnostic, which names the shapes involved, before the generic
// check that the declared result type is the inferred one.
class Adjit_InferredTypeOp<string mnemonic, list<Trait> traits = []>
    : Adjit_Op<mnemonic, traits # [InferTypeOpAdaptor]> {
  let hasVerifier = 1;
  code verifyByInference = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::adjit::detail::verifyByTypeInference(getOperation());
    }
  }];
  let extraClassDefinition = verifyByInference;
}

#endif // ADJIT_DIALECT_ADJIT_IR_ADJITBASE_TD
