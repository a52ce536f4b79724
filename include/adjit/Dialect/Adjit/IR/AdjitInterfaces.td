//===- AdjitInterfaces.td - adjit op interfaces -------------*- tablegen -*-===//

#ifndef ADJIT_DIALECT_ADJIT_IR_ADJITINTERFACES_TD
#define ADJIT_DIALECT_ADJIT_IR_ADJITINTERFACES_TD

include "mlir/IR/OpBase.td"

def Adjit_AdjointOpInterface : OpInterface<"AdjointOpInterface"> {
  let cppNamespace = "::mlir::adjit";
  let description = [{
    The reverse-mode differentiation rule of an op, used by `adjit-autodiff`.

    Given the adjoints (cotangents) of the op's results, a rule emits ops that
    compute the contributions of this op to the adjoints of its operands
    (a vector-Jacobian product). Rules emit ordinary adjit ops, so the adjoint
    program canonicalizes, lowers and can be differentiated again.

    An op that implements the interface but has no differentiable operand
    (`adjit.compare`, `adjit.constant`) declares that it is
    non-differentiable: its results never carry adjoints, so gradients stop
    there, which is the mathematically right answer for piecewise-constant
    and constant values. Values of `i1` element type are never
    differentiable. Ops without the interface cannot be differentiated
    through; `adjit-autodiff` rejects them with a diagnostic when they lie on
    a path from a differentiated argument to a differentiated result.
  }];

  let methods = [
    InterfaceMethod<[{
        Returns true if gradients flow into operand `index`, i.e. if the
        op's results may depend differentiably on it. The default: operands
        whose element type is a float type. Operands for which this returns
        false never receive adjoints from `buildAdjoints`.
      }],
      "bool", "isDifferentiableOperand", (ins "unsigned":$index),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        auto type = ::llvm::dyn_cast<::mlir::ShapedType>(
            $_op->getOperand(index).getType());
        return type && ::llvm::isa<::mlir::FloatType>(type.getElementType());
      }]>,
    InterfaceMethod<[{
        Emits, at the builder's insertion point, the adjoint contributions of
        this op to its operands.

        `resultAdjoints` holds one value per result of the op: the adjoint of
        that result, of the result's type, or a null value if the result's
        adjoint is zero. At least one is non-null. `requested` holds one flag
        per operand; a rule must set `operandAdjoints` to one value per
        operand: for each requested, differentiable operand either a value of
        the operand's type (the contribution to be added to its adjoint) or a
        null value if the contribution is zero; a null value for every other
        operand. The rule may use the op's operands and results, which stay
        available in the adjoint program. Returns failure, after emitting a
        diagnostic, if the op cannot be differentiated in this instance.
      }],
      "::llvm::LogicalResult", "buildAdjoints",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultAdjoints,
           "::llvm::ArrayRef<bool>":$requested,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandAdjoints)>,
  ];
}

#endif // ADJIT_DIALECT_ADJIT_IR_ADJITINTERFACES_TD
