//===- AdjitOps.td - adjit dialect operations ---------------*- tablegen -*-===//

#ifndef ADJIT_DIALECT_ADJIT_IR_ADJITOPS_TD
#define ADJIT_DIALECT_ADJIT_IR_ADJITOPS_TD

include "adjit/Dialect/Adjit/IR/AdjitBase.td"
include "adjit/Dialect/Adjit/IR/AdjitInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Elementwise families
//===----------------------------------------------------------------------===//

// Elementwise ops print as `adjit.op %a, %b : tensor<...>`: every operand and
// the result have the one type after the colon. `extraDefinition` is appended
// to the op's class definitions. Ops with `integers` set are also defined on
// `i64` tensors; the others only on `f32` and `f64`.
class Adjit_ElementwiseOp<string mnemonic, list<Trait> traits = [],
                          code extraDefinition = [{}], bit integers = 0>
    : Adjit_InferredTypeOp<mnemonic, traits # [Pure,
                                    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  TypeConstraint valueType =
      !if(integers, Adjit_NumericTensor, Adjit_FloatTensor);
  code integerDeclaration = [{
    /// Whether the op is defined on `i64` tensors (else `f32`/`f64` only).
    static constexpr bool acceptsIntegers() { return }] #
      !if(integers, "true", "false") # [{; }
  }];
  string integerNote = !if(integers,
      " Also defined on `i64` tensors (integer arithmetic wraps).", "");
  let results = (outs valueType:$result);
  let hasCustomAssemblyFormat = 1;
  let extraClassDefinition = verifyByInference # extraDefinition # [{
    ::mlir::ParseResult $cppClass::parse(::mlir::OpAsmParser &parser,
                                         ::mlir::OperationState &result) {
      return ::mlir::adjit::detail::parseElementwiseOp(
          parser, result, $cppClass::getNumOperandsOfFamily());
    }
    void $cppClass::print(::mlir::OpAsmPrinter &printer) {
      ::mlir::adjit::detail::printElementwiseOp(printer, getOperation());
    }
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::adjit::detail::inferElementwiseResultType(
          location, getOperationName(), adaptor.getOperands(), types);
    }
  }];
}

class Adjit_UnaryOp<string mnemonic, string expression, list<Trait> traits = [],
                    code extraDefinition = [{}], bit integers = 0>
    : Adjit_ElementwiseOp<mnemonic, traits, extraDefinition, integers> {
  let summary = "elementwise " # expression;
  let arguments = (ins valueType:$operand);
  let extraClassDeclaration = integerDeclaration # [{
    static constexpr unsigned getNumOperandsOfFamily() { return 1; }
  }];
  let description = [{
    Computes `}] # expression # [{` for every element of the operand. The
    result has the operand's type.}] # integerNote # [{

    ```mlir
    %r = adjit.}] # mnemonic # [{ %x : tensor<4x8xf32>
    ```
  }];
}

class Adjit_BinaryOp<string mnemonic, string expression, list<Trait> traits = [],
                     bit integers = 0>
    : Adjit_ElementwiseOp<mnemonic, traits, [{}], integers> {
  let summary = "elementwise " # expression;
  let arguments = (ins valueType:$lhs, valueType:$rhs);
  let extraClassDeclaration = integerDeclaration # [{
    static constexpr unsigned getNumOperandsOfFamily() { return 2; }
  }];
  let description = [{
    Computes `}] # expression # [{` for every pair of elements at the same
    position. Both operands and the result have one type: broadcasting is
    explicit (`adjit.broadcast`).}] # integerNote # [{

    ```mlir
    %r = adjit.}] # mnemonic # [{ %a, %b : tensor<4x8xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

def Adjit_AddOp : Adjit_BinaryOp<"add", "lhs + rhs", [Commutative], 1> {
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}
def Adjit_SubOp : Adjit_BinaryOp<"sub", "lhs - rhs", [], 1> {
  let hasFolder = 1;
}
def Adjit_MulOp : Adjit_BinaryOp<"mul", "lhs * rhs", [Commutative], 1> {
  let hasFolder = 1;
}
def Adjit_DivOp : Adjit_BinaryOp<"div", "lhs / rhs"> { let hasFolder = 1; }
def Adjit_MaxOp : Adjit_BinaryOp<"max", "max(lhs, rhs) (NaN-propagating)",
                                 [Commutative], 1> {
  let hasFolder = 1;
}
def Adjit_MinOp : Adjit_BinaryOp<"min", "min(lhs, rhs) (NaN-propagating)",
                                 [Commutative], 1> {
  let hasFolder = 1;
}
def Adjit_PowOp : Adjit_BinaryOp<"pow", "lhs ^ rhs"> { let hasFolder = 1; }

//===----------------------------------------------------------------------===//
// Unary elementwise ops
//===----------------------------------------------------------------------===//

// The unary primitives of adjit/Semantics/Ops.def: their adjoint is the
// derivative of adjit/Semantics/Derivatives.h, shared with eager autograd, and
// their lowering the scalar body that Ops.def names.
class Adjit_PrimitiveUnaryOp<string mnemonic, string expression,
                             list<Trait> traits = [], bit integers = 0>
    : Adjit_UnaryOp<mnemonic, expression, traits, [{
    ::llvm::LogicalResult $cppClass::buildAdjoints(
        ::mlir::OpBuilder &builder,
        ::llvm::ArrayRef<::mlir::Value> resultAdjoints,
        ::llvm::ArrayRef<bool> requested,
        ::llvm::SmallVectorImpl<::mlir::Value> &operandAdjoints) {
      return ::mlir::adjit::detail::buildPrimitiveUnaryAdjoints(
          getOperation(), builder, resultAdjoints, requested, operandAdjoints);
    }
  }], integers>;

def Adjit_NegOp : Adjit_PrimitiveUnaryOp<"neg", "-x", [], 1> {
  let hasFolder = 1;
}
def Adjit_ExpOp : Adjit_PrimitiveUnaryOp<"exp", "exp(x)">;
def Adjit_LogOp : Adjit_PrimitiveUnaryOp<"log", "log(x)">;
def Adjit_SqrtOp : Adjit_PrimitiveUnaryOp<"sqrt", "sqrt(x)">;
def Adjit_RsqrtOp : Adjit_UnaryOp<"rsqrt", "1 / sqrt(x)">;
def Adjit_TanhOp : Adjit_PrimitiveUnaryOp<"tanh", "tanh(x)">;
def Adjit_SigmoidOp : Adjit_PrimitiveUnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Adjit_ReluOp : Adjit_PrimitiveUnaryOp<"relu", "max(x, 0) (NaN-propagating)",
                                         [], 1> {
  let hasFolder = 1;
}
def Adjit_AbsOp : Adjit_PrimitiveUnaryOp<"abs", "|x|", [], 1> {
  let hasFolder = 1;
}
def Adjit_SinOp : Adjit_PrimitiveUnaryOp<"sin", "sin(x)">;
def Adjit_CosOp : Adjit_PrimitiveUnaryOp<"cos", "cos(x)">;
def Adjit_Log1pOp : Adjit_PrimitiveUnaryOp<"log1p", "log(1 + x)">;
def Adjit_Expm1Op : Adjit_PrimitiveUnaryOp<"expm1", "exp(x) - 1">;
def Adjit_ErfOp : Adjit_PrimitiveUnaryOp<"erf", "erf(x)">;
def Adjit_SignOp : Adjit_PrimitiveUnaryOp<"sign",
    "-1, 0 or 1 by the sign of x (0 for NaN)", [], 1>;
def Adjit_FloorOp : Adjit_PrimitiveUnaryOp<"floor", "floor(x)">;
def Adjit_CeilOp : Adjit_PrimitiveUnaryOp<"ceil", "ceil(x)">;
def Adjit_RoundOp : Adjit_PrimitiveUnaryOp<"round",
    "x rounded to the nearest integer, halves to even">;
def Adjit_LgammaOp : Adjit_PrimitiveUnaryOp<"lgamma",
    "log|Gamma(x)| (+inf at 0 and the negative integers)">;
def Adjit_DigammaOp : Adjit_PrimitiveUnaryOp<"digamma",
    "psi(x), the derivative of lgamma (no adjoint: differentiating it is an "
    "error)">;

//===----------------------------------------------------------------------===//
// Comparison and selection
//===----------------------------------------------------------------------===//

def Adjit_CompareOp : Adjit_InferredTypeOp<"compare", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface,
                              ["isDifferentiableOperand"]>]> {
  let summary = "elementwise comparison producing an i1 mask";
  let description = [{
    Compares the elements of two operands of identical type with the
    predicate `eq`, `ne`, `lt`, `le`, `gt` or `ge` (ordered comparisons: any
    comparison with NaN is false, except `ne`, which is true; `i64` operands
    compare as signed integers). The result is an `i1` tensor of the
    operands' shape.

    ```mlir
    %m = adjit.compare lt, %a, %b : tensor<4xf32>
    ```
  }];
  let arguments = (ins Adjit_ComparePredicate:$predicate,
                       Adjit_NumericTensor:$lhs, Adjit_NumericTensor:$rhs);
  let results = (outs Adjit_MaskTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasFolder = 1;
}

def Adjit_SelectOp : Adjit_InferredTypeOp<"select", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "elementwise choice between two tensors by an i1 mask";
  let description = [{
    Takes each element from `on_true` where `condition` is true and from
    `on_false` elsewhere. The condition has the values' shape with `i1`
    elements; the two values have one type, which is the result type.

    ```mlir
    %r = adjit.select %m, %a, %b : tensor<4xf32>
    ```
  }];
  let arguments = (ins Adjit_MaskTensor:$condition,
                       Adjit_AnyTensor:$on_true, Adjit_AnyTensor:$on_false);
  let results = (outs Adjit_AnyTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasFolder = 1;
}

def Adjit_StopGradientOp : Adjit_Op<"stop_gradient", [Pure,
    SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface,
                              ["isDifferentiableOperand"]>]> {
  let summary = "the operand's value, through which no gradient flows";
  let description = [{
    Returns its operand unchanged; `adjit-autodiff` treats the result as a
    constant, so no adjoint reaches the operand (the eager API's `detach`).
    It is not folded away: it lowers to its operand only after
    differentiation.

    ```mlir
    %t = adjit.stop_gradient %x : tensor<4xf32>
    ```
  }];
  let arguments = (ins Adjit_AnyTensor:$operand);
  let results = (outs Adjit_AnyTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Constants and conversions
//===----------------------------------------------------------------------===//

def Adjit_ConstantOp : Adjit_InferredTypeOp<"constant", [ConstantLike, Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "tensor constant";
  let description = [{
    A tensor given by a dense elements attribute of a statically shaped
    `f32`, `f64`, `i64` or `i1` tensor type, which is also the result type.

    ```mlir
    %c = adjit.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Adjit_AnyTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Adjit_ConvertOp : Adjit_Op<"convert", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "elementwise conversion between f32, f64 and i64";
  let description = [{
    Converts every element to the result's element type: `f32` to `f64` is
    exact; `f64` to `f32` and `i64` to a float type round to nearest even; a
    float converts to `i64` by truncation toward zero (NaN and values out of
    the range of `i64` have no defined result). Operand and result have one
    shape. Converting to the operand's own type is allowed and folds away.

    ```mlir
    %d = adjit.convert %x : tensor<4xf32> to tensor<4xf64>
    %i = adjit.convert %x : tensor<4xf32> to tensor<4xi64>
    ```
  }];
  let arguments = (ins Adjit_NumericTensor:$operand);
  let results = (outs Adjit_NumericTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Adjit_BroadcastOp : Adjit_Op<"broadcast", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "explicit broadcast to a larger shape";
  let description = [{
    Broadcasts the operand to the result shape. `dims` maps operand dimension
    `i` to result dimension `dims[i]`; it is strictly increasing, so the
    operand's dimensions keep their order. A mapped operand dimension has the
    size of its result dimension or size 1 (then it is repeated); result
    dimensions that no operand dimension maps to are new. This expresses numpy
    broadcasting: `tensor<3xf32>` to `tensor<2x3xf32>` is `dims = [1]`,
    `tensor<2x1xf32>` to `tensor<2x5xf32>` is `dims = [0, 1]`.

    ```mlir
    %r = adjit.broadcast %x, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Adjit_AnyTensor:$operand,
                       DenseI64ArrayAttr:$broadcast_dimensions);
  let results = (outs Adjit_AnyTensor:$result);
  let assemblyFormat = [{
    $operand `,` `dims` `=` $broadcast_dimensions attr-dict
    `:` type($operand) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Adjit_ReshapeOp : Adjit_Op<"reshape", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "reinterpret the elements in row-major order as a new shape";
  let description = [{
    Returns the operand's elements, in row-major order, with the result's
    shape. Both have the same element type and number of elements.

    ```mlir
    %r = adjit.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Adjit_AnyTensor:$operand);
  let results = (outs Adjit_AnyTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Adjit_TransposeOp : Adjit_InferredTypeOp<"transpose", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "permute dimensions";
  let description = [{
    Result dimension `i` is operand dimension `permutation[i]`;
    `permutation` is a permutation of `[0, rank)`.

    ```mlir
    %r = adjit.transpose %x, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Adjit_AnyTensor:$operand, DenseI64ArrayAttr:$permutation);
  let results = (outs Adjit_AnyTensor:$result);
  let assemblyFormat = [{
    $operand `,` $permutation attr-dict `:` type($operand) `->` type($result)
  }];
  let hasFolder = 1;
}

def Adjit_SliceOp : Adjit_InferredTypeOp<"slice", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "static strided slice";
  let description = [{
    Takes, along every dimension `d`, the elements at `start[d]`,
    `start[d] + stride[d]`, ... below `limit[d]`, with
    `0 <= start[d] <= limit[d] <= size(d)` and `stride[d] >= 1`. Result
    dimension `d` has `ceil((limit[d] - start[d]) / stride[d])` elements.

    ```mlir
    %r = adjit.slice %x [0:4:2, 1:3:1] : tensor<4x4xf32> -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Adjit_AnyTensor:$operand,
                       DenseI64ArrayAttr:$start_indices,
                       DenseI64ArrayAttr:$limit_indices,
                       DenseI64ArrayAttr:$strides);
  let results = (outs Adjit_AnyTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasFolder = 1;
}

def Adjit_ConcatOp : Adjit_InferredTypeOp<"concat", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "concatenate tensors along a dimension";
  let description = [{
    Joins one or more operands of one rank and element type along `dim`;
    their other dimensions agree.

    ```mlir
    %r = adjit.concat %a, %b dim = 0
           : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<6x3xf32>
    ```
  }];
  let arguments = (ins Variadic<Adjit_AnyTensor>:$inputs,
                       I64Attr:$dim);
  let results = (outs Adjit_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `dim` `=` $dim attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contraction
//===----------------------------------------------------------------------===//

def Adjit_MatmulOp : Adjit_InferredTypeOp<"matmul", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "matrix product, plain or batched";
  let description = [{
    For rank-2 operands `MxK` and `KxN` the result is `MxN`. For rank-`r`
    operands (`r >= 3`) the leading `r - 2` dimensions are batch dimensions,
    equal in both operands, and every batch is multiplied independently.
    Both operands have one element type.

    ```mlir
    %c = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
    ```

    Canonicalization moves a transpose of a product (swapping the last two
    dimensions) onto its operands, `(A B)^T = B^T A^T`, when the product has
    no other use: transposes of transposes then fold away, and the lowering
    reads the remaining transposed operands in place (BLAS transpose flags)
    instead of materializing them.
  }];
  let arguments = (ins Adjit_FloatTensor:$lhs, Adjit_FloatTensor:$rhs);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

// A 2-D convolution or one of its two adjoints. The attributes are those of
// the forward convolution y = conv2d(x, w) of x [N, C, H, W] with
// w [O, C / groups, KH, KW]: `stride` (sh, sw) > 0, `padding` (top, left,
// bottom, right) >= 0 zeros around x, `dilation` (dh, dw) > 0 and `groups`
// > 0 dividing C and O; y is [N, O, OH, OW] with
// OH = (H + top + bottom - dh * (KH - 1) - 1) / sh + 1 (OW alike). The
// verifier checks the attributes and that the three shapes fit.
class Adjit_ConvolutionOp<string mnemonic>
    : Adjit_Op<mnemonic, [Pure,
                          DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let arguments = (ins Adjit_FloatTensor:$lhs, Adjit_FloatTensor:$rhs,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilation, I64Attr:$groups);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Adjit_Conv2DOp : Adjit_ConvolutionOp<"conv2d"> {
  let summary = "2-D convolution (cross-correlation) of NCHW by OIHW";
  let description = [{
    `y[n, o, i, j] = sum over c, kh, kw of
    xpad[n, g * C/G + c, i * sh + kh * dh, j * sw + kw * dw] * w[o, c, kh, kw]`
    with `g = o / (O / G)` and `xpad` the input with `padding` zeros. Both
    operands (`lhs` the input, `rhs` the weight) and the result have one
    element type. A bias is a separate broadcast add.

    ```mlir
    %y = adjit.conv2d %x, %w {dilation = array<i64: 1, 1>, groups = 1 : i64,
           padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
         : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<2x4x8x8xf32>
    ```

    The adjoint is `adjit.conv2d_backward_input` and
    `adjit.conv2d_backward_weight` of the result's adjoint.
  }];
}

def Adjit_Conv2DBackwardInputOp
    : Adjit_ConvolutionOp<"conv2d_backward_input"> {
  let summary = "input adjoint of adjit.conv2d";
  let description = [{
    The adjoint with respect to the input `x` (the result, of `x`'s type) of
    `y = adjit.conv2d x, w` with the same attributes, applied to the adjoint
    `lhs` of `y`; `rhs` is the weight `w`. Linear in both operands: its own
    adjoints are an `adjit.conv2d` and an `adjit.conv2d_backward_weight`.

    ```mlir
    %dx = adjit.conv2d_backward_input %dy, %w {dilation = array<i64: 1, 1>,
            groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>,
            stride = array<i64: 1, 1>}
          : tensor<2x4x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<2x3x8x8xf32>
    ```
  }];
}

def Adjit_Conv2DBackwardWeightOp
    : Adjit_ConvolutionOp<"conv2d_backward_weight"> {
  let summary = "weight adjoint of adjit.conv2d";
  let description = [{
    The adjoint with respect to the weight `w` (the result, of `w`'s type) of
    `y = adjit.conv2d x, w` with the same attributes, applied to the adjoint
    `lhs` of `y`; `rhs` is the input `x`. Linear in both operands: its own
    adjoints are an `adjit.conv2d` and an `adjit.conv2d_backward_input`.

    ```mlir
    %dw = adjit.conv2d_backward_weight %dy, %x {dilation = array<i64: 1, 1>,
            groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>,
            stride = array<i64: 1, 1>}
          : tensor<2x4x8x8xf32>, tensor<2x3x8x8xf32> -> tensor<4x3x3x3xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Adjit_ReductionOp<string mnemonic, string combiner>
    : Adjit_InferredTypeOp<mnemonic, [Pure,
                          DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = combiner # "-reduction over a set of dimensions";
  let description = [{
    Reduces the operand over `dims` (strictly increasing, each in
    `[0, rank)`) with }] # combiner # [{; the reduced dimensions are removed
    from the result shape (keep them with `adjit.reshape`). Reducing over no
    dimension returns the operand. The operand may be an `f32`, `f64` or
    `i64` tensor.

    ```mlir
    %r = adjit.}] # mnemonic # [{ %x, dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Adjit_NumericTensor:$operand, DenseI64ArrayAttr:$dims);
  let results = (outs Adjit_NumericTensor:$result);
  let assemblyFormat = [{
    $operand `,` `dims` `=` $dims attr-dict `:` type($operand) `->` type($result)
  }];
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDefinition = verifyByInference # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::adjit::detail::inferReductionResultType(
          location, getOperationName(), adaptor.getOperand().getType(),
          adaptor.getDims(), types);
    }
  }];
}

def Adjit_ReduceSumOp : Adjit_ReductionOp<"reduce_sum", "addition">;
def Adjit_ReduceMaxOp : Adjit_ReductionOp<"reduce_max",
                                          "maximum (NaN-propagating)">;
def Adjit_ReduceProdOp : Adjit_ReductionOp<"reduce_prod",
    "multiplication, in row-major order of the reduced elements">;

// The extremum along one dimension and the index at which it is found.
class Adjit_ArgExtremumOp<string mnemonic, string extremum, string order>
    : Adjit_InferredTypeOp<mnemonic, [Pure,
                          DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "the " # extremum # " along a dimension and its index";
  let description = [{
    For every position of the other dimensions, finds the }] # extremum #
    [{ of the operand along `dim` and returns it (`values`) with its
    position along `dim` (`indices`, `i64`). Both results have the
    operand's shape without `dim`, which must have at least one element. Of
    equal elements the first (lowest index) is chosen; a NaN counts as }] #
    order # [{ every number, and of several NaNs the first is chosen.

    The adjoint of `values` flows to the chosen element only; `indices`
    has no adjoint.

    ```mlir
    %v, %i = adjit.}] # mnemonic # [{ %x, dim = 1
               : tensor<2x3xf32> -> tensor<2xf32>, tensor<2xi64>
    ```
  }];
  let arguments = (ins Adjit_NumericTensor:$operand, I64Attr:$dim);
  let results = (outs Adjit_NumericTensor:$values, Adjit_IndexTensor:$indices);
  let assemblyFormat = [{
    $operand `,` `dim` `=` $dim attr-dict `:` type($operand) `->`
    type($values) `,` type($indices)
  }];
  let extraClassDefinition = verifyByInference # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::adjit::detail::inferArgExtremumResultTypes(
          location, getOperationName(), adaptor.getOperand().getType(),
          adaptor.getDim(), types);
    }
    ::llvm::LogicalResult $cppClass::buildAdjoints(
        ::mlir::OpBuilder &builder,
        ::llvm::ArrayRef<::mlir::Value> resultAdjoints,
        ::llvm::ArrayRef<bool> requested,
        ::llvm::SmallVectorImpl<::mlir::Value> &operandAdjoints) {
      return ::mlir::adjit::detail::buildArgExtremumAdjoints(
          getOperation(), getIndices(), getDim(), builder, resultAdjoints,
          requested, operandAdjoints);
    }
  }];
}

def Adjit_ArgMaxOp : Adjit_ArgExtremumOp<"argmax", "maximum", "larger than">;
def Adjit_ArgMinOp : Adjit_ArgExtremumOp<"argmin", "minimum", "smaller than">;

//===----------------------------------------------------------------------===//
// Random masks (dropout)
//===----------------------------------------------------------------------===//

// A 0-d i64 tensor (a seed or a counter offset).
def Adjit_I64Scalar : 0DTensorOf<[I64]> {
  let builderCall =
      "::mlir::RankedTensorType::get({}, $_builder.getIntegerType(64))";
}

def Adjit_DropoutMaskOp : Adjit_Op<"dropout_mask", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface,
                              ["isDifferentiableOperand"]>]> {
  let summary = "dropout mask drawn from Philox-4x32-10";
  let description = [{
    A tensor of the result type whose element at row-major linear index `i`
    is `1 / (1 - p)` (computed in f64, rounded to the element type) if the
    element is kept and 0 otherwise. Element `i` is kept when
    `(bits >> 8) * 2^-24 < 1 - p`, where `bits` is the first word of
    Philox-4x32-10 of the counter `offset + i` (64 bits, low word first,
    upper words zero) under the key `seed` (low word first): the eager
    runtime's dropout computes the same (`adjit/Semantics/Philox.h`), so
    equal seeds and offsets give equal masks. `p` lies in [0, 1].

    The op is a pure function of its operands; a traced dropout takes them
    from the random generator's state, passed as an argument, so each call
    of compiled code draws new masks without recompiling. The result is a
    constant to `adjit-autodiff` (the seed and offset are integers).

    ```mlir
    %m = adjit.dropout_mask %seed, %offset {p = 5.000000e-01 : f64} : tensor<8x4xf32>
    ```
  }];
  let arguments = (ins Adjit_I64Scalar:$seed, Adjit_I64Scalar:$offset,
                       F64Attr:$p);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = "$seed `,` $offset attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

// The collectives move data between the processes of an MPI job (see
// docs/distributed.md). Every rank must run the same collectives in the same
// order, so they carry memory effects: no pass removes, duplicates or
// reorders them. In a job of one process they return their operand.

def Adjit_AllReduceOp : Adjit_Op<"all_reduce", [
    MemoryEffects<[MemRead, MemWrite]>, AllTypesMatch<["operand", "result"]>,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "reduction of a tensor over the ranks of the job";
  let description = [{
    Returns, on every rank, the elementwise `sum`, `mean` (the sum divided by
    the number of ranks; f32 and f64 only) or `max` of the operand over all
    ranks. The adjoint of `sum` is the `sum` of the result's adjoint over the
    ranks, that of `mean` its `mean`; `max` is not differentiable
    (`adjit-autodiff` rejects it).

    ```mlir
    %r = adjit.all_reduce mean %g : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Adjit_ReduceKind:$kind, Adjit_NumericTensor:$operand);
  let results = (outs Adjit_NumericTensor:$result);
  let assemblyFormat = "$kind $operand attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Adjit_AllReduceStartOp : Adjit_Op<"all_reduce_start", [
    MemoryEffects<[MemRead, MemWrite]>,
    TypesMatchWith<"the handle carries the operand's type", "operand",
                   "handle",
                   "::mlir::adjit::CollectiveType::get($_self.getContext(), "
                   "::llvm::cast<::mlir::RankedTensorType>($_self))">]> {
  let summary = "starts an all-reduce and returns at once";
  let description = [{
    The non-blocking form of `adjit.all_reduce`: starts the reduction of the
    operand over the ranks (`MPI_Iallreduce` on a copy of it) and returns a
    handle; `adjit.all_reduce_wait` on the handle returns the result. The ops
    between the two run while the data moves. The handle has exactly one
    use, an `adjit.all_reduce_wait` later in the same block. The pair is not
    differentiable: `adjit-insert-gradient-allreduce` places it in gradient
    functions after differentiation.

    ```mlir
    %h = adjit.all_reduce_start mean %g : tensor<4x8xf32>
    ...
    %r = adjit.all_reduce_wait %h : !adjit.collective<tensor<4x8xf32>>
    ```
  }];
  let arguments = (ins Adjit_ReduceKind:$kind, Adjit_NumericTensor:$operand);
  let results = (outs Adjit_CollectiveType:$handle);
  let assemblyFormat = "$kind $operand attr-dict `:` type($operand)";
  let hasVerifier = 1;
}

def Adjit_AllReduceWaitOp : Adjit_Op<"all_reduce_wait", [
    MemoryEffects<[MemRead, MemWrite]>,
    TypesMatchWith<"the result has the type the handle carries", "handle",
                   "result",
                   "::llvm::cast<::mlir::adjit::CollectiveType>($_self)"
                   ".getTensorType()">]> {
  let summary = "waits for an all-reduce and returns its result";
  let description = [{
    Blocks until the collective that `adjit.all_reduce_start` started on every
    rank has completed and returns its result.

    ```mlir
    %r = adjit.all_reduce_wait %h : !adjit.collective<tensor<4x8xf32>>
    ```
  }];
  let arguments = (ins Adjit_CollectiveType:$handle);
  let results = (outs Adjit_NumericTensor:$result);
  let assemblyFormat = "$handle attr-dict `:` qualified(type($handle))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// Pooling over the last two dimensions of NCHW tensors. The windows follow
// adjit/Semantics/Pooling.h, PyTorch's rules, which the verifiers check and
// the eager kernels and the lowering share: `kernel_size`, `stride`,
// `padding` (at most half the kernel) and `dilation` hold one value per
// spatial axis; with `ceil_mode` the output size rounds up while the last
// window starts inside the input or the left padding. The pooled tensor is
// the result of the forward ops and the operand of their gradients.
class Adjit_PoolOp<string mnemonic, list<Trait> traits = []>
    : Adjit_Op<mnemonic, traits # [Pure,
                          DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::adjit::detail::verifyPoolOp(getOperation());
    }
  }];
}

defvar maxPoolAttributes = (ins DenseI64ArrayAttr:$kernel_size,
    DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
    DenseI64ArrayAttr:$dilation, UnitAttr:$ceil_mode);
defvar maxPoolFormat = [{
  `kernel_size` `=` $kernel_size `stride` `=` $stride `padding` `=` $padding
  `dilation` `=` $dilation (`ceil_mode` $ceil_mode^)? attr-dict
}];

def Adjit_MaxPool2dIndicesOp : Adjit_PoolOp<"max_pool2d_indices",
    [DeclareOpInterfaceMethods<Adjit_AdjointOpInterface,
                               ["isDifferentiableOperand"]>]> {
  let summary = "the position of the maximum of every max-pooling window";
  let description = [{
    For every window of a 2-D max pooling of the NCHW input, the index
    `h * W + w` within its `HxW` plane of the element PyTorch chooses: walking
    the window in row-major order from -inf, an element replaces the maximum
    if it is larger or NaN, so of equal elements the first is chosen, and of
    NaNs the last. Padding is never chosen; a window that lies entirely in
    the padding is invalid. The max pooling is `adjit.max_pool2d_gather` of
    the input at these indices. Not differentiable (the indices are
    piecewise constant).

    ```mlir
    %i = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [2, 2]
           padding = [0, 0] dilation = [1, 1]
           : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xi64>
    ```
  }];
  let arguments = !con((ins Adjit_FloatTensor:$input), maxPoolAttributes);
  let results = (outs Adjit_IndexTensor:$result);
  let assemblyFormat = !strconcat("$input ", maxPoolFormat,
                                   "`:` type($input) `->` type($result)");
}

def Adjit_MaxPool2dGatherOp : Adjit_PoolOp<"max_pool2d_gather"> {
  let summary = "the elements of a tensor at the indices of a max pooling";
  let description = [{
    Reads `values` (of the pooled input's shape) at the indices of
    `adjit.max_pool2d_indices` with the same attributes: the max pooling of
    `values` itself, and the gradient of the gradient of a max pooling. Its
    adjoint is `adjit.max_pool2d_scatter`. Indices must come from
    `adjit.max_pool2d_indices`; others read a clamped position.

    ```mlir
    %y = adjit.max_pool2d_gather %x, %i kernel_size = [2, 2] stride = [2, 2]
           padding = [0, 0] dilation = [1, 1]
           : tensor<1x3x8x8xf32>, tensor<1x3x4x4xi64> -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = !con((ins Adjit_FloatTensor:$values,
                            Adjit_IndexTensor:$indices), maxPoolAttributes);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = !strconcat("$values `,` $indices ", maxPoolFormat,
      "`:` type($values) `,` type($indices) `->` type($result)");
}

def Adjit_MaxPool2dScatterOp : Adjit_PoolOp<"max_pool2d_scatter"> {
  let summary = "the gradient of a max pooling: sums at the chosen indices";
  let description = [{
    The result, of the pooled input's shape, holds at every position the sum
    of the `source` elements (of the pooled shape) whose index from
    `adjit.max_pool2d_indices` with the same attributes is that position,
    added in row-major order of the windows; zero elsewhere. Its adjoint is
    `adjit.max_pool2d_gather`. Indices must come from
    `adjit.max_pool2d_indices`.

    ```mlir
    %dx = adjit.max_pool2d_scatter %g, %i kernel_size = [2, 2]
            stride = [2, 2] padding = [0, 0] dilation = [1, 1]
            : tensor<1x3x4x4xf32>, tensor<1x3x4x4xi64> -> tensor<1x3x8x8xf32>
    ```
  }];
  let arguments = !con((ins Adjit_FloatTensor:$source,
                            Adjit_IndexTensor:$indices), maxPoolAttributes);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = !strconcat("$source `,` $indices ", maxPoolFormat,
      "`:` type($source) `,` type($indices) `->` type($result)");
}

defvar avgPoolAttributes = (ins DenseI64ArrayAttr:$kernel_size,
    DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
    UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
defvar avgPoolFormat = [{
  `kernel_size` `=` $kernel_size `stride` `=` $stride `padding` `=` $padding
  (`ceil_mode` $ceil_mode^)? (`count_include_pad` $count_include_pad^)?
  attr-dict `:` type($input) `->` type($result)
}];

def Adjit_AvgPool2dOp : Adjit_PoolOp<"avg_pool2d"> {
  let summary = "2-D average pooling";
  let description = [{
    The mean of every window of the NCHW input, summed in row-major window
    order and divided by the window's size: within the padded input if
    `count_include_pad`, else within the input. Its adjoint is
    `adjit.avg_pool2d_backward`.

    ```mlir
    %y = adjit.avg_pool2d %x kernel_size = [3, 3] stride = [2, 2]
           padding = [1, 1] count_include_pad
           : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = !con((ins Adjit_FloatTensor:$input), avgPoolAttributes);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = !strconcat("$input ", avgPoolFormat);
}

def Adjit_AvgPool2dBackwardOp : Adjit_PoolOp<"avg_pool2d_backward"> {
  let summary = "the gradient of 2-D average pooling";
  let description = [{
    The transpose of `adjit.avg_pool2d` with the same attributes: maps the
    pooled operand to the input's shape (the result type), every position
    receiving the sum, in row-major order of the windows that read it, of
    their elements divided by their divisors. Its adjoint is
    `adjit.avg_pool2d`.

    ```mlir
    %dx = adjit.avg_pool2d_backward %g kernel_size = [2, 2] stride = [2, 2]
            padding = [0, 0] count_include_pad
            : tensor<1x3x4x4xf32> -> tensor<1x3x8x8xf32>
    ```
  }];
  let arguments = !con((ins Adjit_FloatTensor:$input), avgPoolAttributes);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = !strconcat("$input ", avgPoolFormat);
}

def Adjit_AdaptiveAvgPool2dOp : Adjit_PoolOp<"adaptive_avg_pool2d"> {
  let summary = "2-D average pooling to a given output size";
  let description = [{
    Pools the NCHW input to the result's `OHxOW`: output `o` of an axis of
    size `n` averages the elements `[floor(o n / OH), ceil((o + 1) n / OH))`.
    Its adjoint is `adjit.adaptive_avg_pool2d_backward`.

    ```mlir
    %y = adjit.adaptive_avg_pool2d %x : tensor<1x3x7x7xf32> -> tensor<1x3x3x3xf32>
    ```
  }];
  let arguments = (ins Adjit_FloatTensor:$input);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Adjit_AdaptiveAvgPool2dBackwardOp
    : Adjit_PoolOp<"adaptive_avg_pool2d_backward"> {
  let summary = "the gradient of 2-D adaptive average pooling";
  let description = [{
    The transpose of `adjit.adaptive_avg_pool2d` from the result's shape to
    the operand's. Its adjoint is `adjit.adaptive_avg_pool2d`.

    ```mlir
    %dx = adjit.adaptive_avg_pool2d_backward %g
            : tensor<1x3x3x3xf32> -> tensor<1x3x7x7xf32>
    ```
  }];
  let arguments = (ins Adjit_FloatTensor:$input);
  let results = (outs Adjit_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

// Reads and sums of elements at positions given by an i64 tensor operand, so
// that a function called with new indices runs the same code. Along `dim` a
// position is an element of the index; along every other dimension it is the
// position itself (PyTorch's gather and scatter_add). The indices must lie in
// [0, size of `dim`): compiled functions check their index arguments before
// every call, and the lowering clamps them, so no access is out of bounds.

def Adjit_GatherOp : Adjit_Op<"gather", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "elements of a tensor at indices along one dimension";
  let description = [{
    `result[i0, ..., id, ..., in] = input[i0, ..., index[i0, ..., in], ..., in]`
    with `id` the position along `dim`. `index` and `result` have one shape,
    of the input's rank, no larger than the input in any dimension but `dim`.
    Its adjoint with respect to `input` is `adjit.scatter_add` of the result's
    adjoint at the same indices; `index` is not differentiable.

    ```mlir
    %r = adjit.gather %x, %i dim = 0
           : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Adjit_NumericTensor:$input, Adjit_IndexTensor:$index,
                       I64Attr:$dim);
  let results = (outs Adjit_NumericTensor:$result);
  let assemblyFormat = [{
    $input `,` $index `dim` `=` $dim attr-dict `:` type($input) `,`
    type($index) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Adjit_ScatterAddOp : Adjit_Op<"scatter_add", [Pure,
    DeclareOpInterfaceMethods<Adjit_AdjointOpInterface>]> {
  let summary = "sums of elements at indices along one dimension";
  let description = [{
    A zero tensor of the result's type to which every element of `source` is
    added at its position, with `index[i0, ..., in]` in place of `id` along
    `dim`: the transpose of `adjit.gather`. Elements are added in row-major
    order of `source`. `index` has the shape of `source`, which has the
    result's rank and is no larger than it in any dimension but `dim`. Its
    adjoint with respect to `source` is `adjit.gather` of the result's adjoint
    at the same indices.

    ```mlir
    %r = adjit.scatter_add %g, %i dim = 0
           : tensor<4x3xf32>, tensor<4x3xi64> -> tensor<5x3xf32>
    ```
  }];
  let arguments = (ins Adjit_NumericTensor:$source, Adjit_IndexTensor:$index,
                       I64Attr:$dim);
  let results = (outs Adjit_NumericTensor:$result);
  let assemblyFormat = [{
    $source `,` $index `dim` `=` $dim attr-dict `:` type($source) `,`
    type($index) `->` type($result)
  }];
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Loops
//===----------------------------------------------------------------------===//

def Adjit_ScanOp : Adjit_Op<"scan", [AttrSizedOperandSegments,
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects,
    RecursivelySpeculatable]> {
  let summary = "loop that carries state and stacks per-step outputs";
  let description = [{
    Runs its body `length` times. Step `i` receives the carries (the `init`
    values at step 0, the carries yielded by step `i - 1` after it), the
    slices `xs[k][i]` of the scanned inputs along their leading dimension
    (whose size is `length`), and the invariant `consts`; it yields the next
    carries followed by its per-step outputs. The op returns the final
    carries followed by the per-step outputs stacked along a new leading
    dimension of size `length`. With `reverse`, the steps run from
    `length - 1` down to 0; step `i` still reads `xs[k][i]` and writes the
    stacked outputs at `i`.

    A trip count known only at run time is the optional `trip_count`
    operand, a 0-d `i64` tensor `n`; `length` is then its static bound and
    stays the leading dimension of the scanned inputs and stacked outputs.
    The scan runs `n` steps over the rows `0 .. n - 1` (with `reverse`,
    `n - 1` down to 0), the rows `n .. length - 1` of the stacked outputs are
    zero, and the final carries are those after `n` steps. Callers check
    that `0 <= n <= length`; compiled code clamps `n` into that range, so it
    never reads or writes out of bounds.

    `checkpoint` says what the adjoint made by `adjit-autodiff` keeps for
    its reverse sweep; it does not change what the scan computes.
    `store_all` (the default, not printed) tapes the carry entering every
    step; `every K` tapes it every `K` steps (`1 <= K <= length`) and
    recomputes each segment of `K` steps in the reverse sweep; `sqrt` is
    `every ceil(sqrt(length))`; `recompute_all` tapes nothing and recomputes
    each step's carry from the initial one.

    The body is isolated from above: every value it uses enters as a block
    argument (carries, then slices, then consts), so a step is a
    self-contained function that autodiff can recompute and differentiate.
    A carry keeps its type through the loop. This is JAX's `lax.scan`:
    `scan(f, init, xs)` with `f(carry, x) -> (carry, y)`.

    ```mlir
    %h, %ys = adjit.scan length = 7
        init(%h0 : tensor<4xf32>) xs(%x : tensor<7x4xf32>)
        consts(%w : tensor<4x4xf32>) -> (tensor<4xf32>, tensor<7x4xf32>) {
    ^bb0(%c: tensor<4xf32>, %xi: tensor<4xf32>, %wi: tensor<4x4xf32>):
      %t = adjit.add %c, %xi : tensor<4xf32>
      adjit.yield %t, %t : tensor<4xf32>, tensor<4xf32>
    }
    ```

    With a trip count known at run time (at most 1000 steps):

    ```mlir
    %h, %ys = adjit.scan length = %n : tensor<i64> bound 1000
        init(%h0 : tensor<4xf32>) xs(%x : tensor<1000x4xf32>)
        -> (tensor<4xf32>, tensor<1000x4xf32>) { ... }
    ```
  }];
  let arguments = (ins Variadic<Adjit_AnyTensor>:$init,
                       Variadic<Adjit_AnyTensor>:$xs,
                       Variadic<Adjit_AnyTensor>:$consts,
                       Optional<Adjit_AnyTensor>:$trip_count,
                       I64Attr:$length, UnitAttr:$reverse,
                       DefaultValuedAttr<Adjit_CheckpointPolicy,
                           "::mlir::adjit::CheckpointPolicy::store_all">:$checkpoint,
                       OptionalAttr<I64Attr>:$checkpoint_every);
  let results = (outs Variadic<Adjit_AnyTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`reverse` $reverse^)? `length` `=`
    custom<ScanLength>($trip_count, type($trip_count), $length)
    (`checkpoint` `=` custom<Checkpoint>($checkpoint, $checkpoint_every)^)?
    (`init` `(` $init^ `:` type($init) `)`)?
    (`xs` `(` $xs^ `:` type($xs) `)`)?
    (`consts` `(` $consts^ `:` type($consts) `)`)?
    attr-dict-with-keyword (`->` `(` type($results)^ `)`)? $body
  }];
  let builders = [
    // A scan with the default checkpoint policy, store_all.
    OpBuilder<(ins "::mlir::TypeRange":$results, "::mlir::ValueRange":$init,
                   "::mlir::ValueRange":$xs, "::mlir::ValueRange":$consts,
                   "int64_t":$length, CArg<"bool", "false">:$reverse), [{
      build($_builder, $_state, results, init, xs, consts, ::mlir::Value(),
            length, reverse, ::mlir::adjit::CheckpointPolicy::store_all,
            ::mlir::IntegerAttr());
    }]>
  ];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// Returns true if the trip count is the `trip_count` operand, known
    /// only at run time; `length` is then its bound.
    bool hasDynamicTripCount() { return static_cast<bool>(getTripCount()); }
    /// The number of carries (of `init` and of the final carries).
    unsigned getNumCarries() { return getInit().size(); }
    /// The final carries: the first getNumCarries() results.
    ::mlir::ResultRange getFinalCarries() {
      return getResults().take_front(getNumCarries());
    }
    /// The stacked per-step outputs: the results after the carries.
    ::mlir::ResultRange getStackedOutputs() {
      return getResults().drop_front(getNumCarries());
    }
    /// The body's only block.
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
    /// The body's block arguments of the carries, slices and consts.
    ::mlir::Block::BlockArgListType getCarryArguments() {
      return getBodyBlock().getArguments().take_front(getNumCarries());
    }
    ::mlir::Block::BlockArgListType getSliceArguments() {
      return getBodyBlock().getArguments().slice(getNumCarries(),
                                                 getXs().size());
    }
    ::mlir::Block::BlockArgListType getConstArguments() {
      return getBodyBlock().getArguments().take_back(getConsts().size());
    }
    /// The body's terminator.
    YieldOp getYield();
    /// Returns the number of steps between two taped carries under the
    /// checkpoint policy: 1 for store_all, K for every K, ceil(sqrt(length))
    /// for sqrt, and the length for recompute_all (at least 1).
    int64_t getCheckpointSegmentLength();
    /// Verifies the checkpoint policy against the length.
    ::llvm::LogicalResult verifyCheckpoint();
    /// Returns the type of one slice of the scanned type `type`: `type`
    /// without its leading dimension.
    static ::mlir::RankedTensorType getSliceType(::mlir::Type type);
    /// Returns `type` stacked `length` times along a new leading dimension.
    static ::mlir::RankedTensorType getStackedType(::mlir::Type type,
                                                   int64_t length);
  }];
}

def Adjit_YieldOp : Adjit_Op<"yield", [Pure, Terminator, ReturnLike,
    HasParent<"ScanOp">]> {
  let summary = "terminator of adjit.scan: next carries, then step outputs";
  let description = [{
    Ends a step of `adjit.scan`, yielding its next carries followed by its
    per-step outputs.

    ```mlir
    adjit.yield %carry, %y : tensor<4xf32>, tensor<2xf32>
    ```
  }];
  let arguments = (ins Variadic<Adjit_AnyTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // ADJIT_DIALECT_ADJIT_IR_ADJITOPS_TD
