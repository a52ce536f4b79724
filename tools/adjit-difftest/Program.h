//===- Program.h - random programs of the differential tester --*- C++ -*-===//
//
// A program is a list of f64 inputs and a sequence of eager tensor ops on
// them, ending in a scalar loss. It is generated from a seed, evaluated with
// the eager API (with or without autograd, or traced by jit::compile), and
// printed for a failure report.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_TOOLS_DIFFTEST_PROGRAM_H
#define ADJIT_TOOLS_DIFFTEST_PROGRAM_H

#include "adjit/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace adjit::difftest {

/// The ops a program is made of. Each is one call (or a fixed composition of
/// calls) of the eager API; see applyStep for the exact calls.
enum class OpKind {
// The unary elementwise primitives of adjit/Semantics/Ops.def.
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp) Kind,
#include "adjit/Semantics/Ops.def"
  /// pow(x, scalar).
  PowScalar,
  /// x + scalar, x * scalar, x / scalar, scalar - x, scalar / x.
  AddScalar,
  MulScalar,
  DivScalar,
  ScalarSub,
  ScalarDiv,
  Clone,
  /// x.to(kFloat64) (a no-op on f64 values).
  ToDouble,
// The binary elementwise primitives of adjit/Semantics/Ops.def, with
// broadcasting.
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands) Kind,
#include "adjit/Semantics/Ops.def"
  /// where(compare_pred(a, b), c, d).
  Where,
  /// c * compare_pred(a, b).to(kFloat64).
  MaskMul,
  /// compare_pred(x, scalar) chooses between x and scalar * x.
  WhereScalar,
  Matmul,
  // Reductions.
  SumAll,
  Sum,
  MeanAll,
  Mean,
  /// prod(x) and prod(x, dim, keepdim).
  ProdAll,
  Prod,
  MaxAll,
  /// max(dim) and min(dim) values; ints = {dim}.
  MaxDim,
  MinDim,
  MseLoss,
  Softmax,
  LogSoftmax,
  // Shape ops.
  Reshape,
  ContiguousView,
  Flatten,
  Transpose,
  T,
  Permute,
  Slice,
  Select,
  Unsqueeze,
  Squeeze,
  Expand,
  Cat,
  // Pooling
  /// Of the last two dims of x, the others flattened into channels (CHW):
  /// `ints` = {kernel (2), stride (2), padding (2), dilation (2), ceil_mode,
  /// count_include_pad}; adaptive: the output size (2).
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  /// flatten(start_dim, end_dim): `ints` = {start, end}.
  FlattenRange,
  // Convolution
  /// conv2d of a 3-D (unbatched) or 4-D value, conv1d of a 2-D or 3-D
  /// value, by a weight (and a bias if there is a third operand); ints =
  /// {stride, padding, dilation, groups}, one value for every spatial dim.
  Conv2d,
  Conv1d,
  // Indexing
  /// Of x along ints[0] at constant int64 indices: gather's index has x's
  /// shape (ints[1..]); index_select's and index's are 1-D (ints[1..]);
  /// scatter_add adds x into zeros whose dim ints[0] has size ints[1] at
  /// ints[2..] (of x's shape); embedding reads rows ints[0..] of a 2-D x.
  Gather,
  IndexSelect,
  ScatterAdd,
  Embedding,
  Index,
  // Sequence-model ops (composites of the primitives above).
  /// layer_norm over the last dim with eps 0.1 (smooth even for constant
  /// rows), without affine parameters.
  LayerNorm,
  /// gelu; ints = {0: exact, 1: tanh approximation}.
  Gelu,
  /// cumsum; ints = {dim}.
  Cumsum,
  /// tril and triu of the last two dims; ints = {diagonal}.
  Tril,
  Triu,
  /// stack of x and a value of its shape; ints = {dim}.
  Stack,
  /// repeat; ints = the repeats (rank or rank + 1 of them).
  Repeat,
  /// einsum of x (and y, if there are two operands); ints = the equation's
  /// characters.
  Einsum,
  /// diag of a 1-D or 2-D x; ints = {diagonal}.
  Diag,
  /// diag_embed; ints = {offset, dim1, dim2}.
  DiagEmbed,
  /// jit::scan of the body Program::scans[ints[0]]: the operands are the
  /// initial carries, the scanned tensors and the invariants (ScanBody);
  /// the result is the final carries and the stacked outputs, flattened and
  /// concatenated into one 1-D value.
  Scan,
};

/// Returns the op's name as printed in a program listing.
const char *getOpName(OpKind kind);

/// One op: `result = kind(operands...)` with its attributes.
struct Step {
  OpKind kind;
  /// Indices into the program's values (the inputs come first).
  std::vector<int> operands;
  /// Dims, shapes, permutations or {dim, start, end, step}, by op.
  std::vector<int64_t> ints;
  /// For Slice: whether start/end are given (ints[1], ints[2]).
  bool hasStart = true, hasEnd = true;
  bool keepDim = false;
  /// The comparison: 0..5 = eq ne lt le gt ge.
  int predicate = 0;
  double scalar = 0;
};

/// The step of a scan: a small program of its own. Its values are numbered
/// as a program's: the carries, the slices of the scanned tensors and the
/// invariants (consts) first, then one per step.
struct ScanBody {
  int numCarries = 0, numXs = 0, numConsts = 0;
  /// The number of steps (also the leading size of every scanned tensor).
  int64_t length = 0;
  /// Whether jit::scan is given the length (always when there are no
  /// scanned tensors).
  bool explicitLength = false;
  std::vector<Step> steps;
  /// Shapes of every value of the body (at any step).
  std::vector<Shape> shapes;
  /// The values yielded as the next carries (one per carry, of its shape)
  /// and as the step's outputs.
  std::vector<int> nextCarries, outputs;
};

/// An f64 input of a program.
struct Input {
  Shape shape;
  std::vector<double> values;
  bool requiresGrad = true;
  /// Used by the program through a captured tensor instead of being passed
  /// as an argument of the compiled function.
  bool captured = false;
};

/// A generated program and its loss weights.
struct Program {
  uint64_t seed = 0;
  /// Generated with GeneratorOptions::large.
  bool large = false;
  /// Generated with GeneratorOptions::sequenceOps.
  bool sequenceOps = false;
  /// Generated with GeneratorOptions::scanOps.
  bool scanOps = false;
  std::vector<Input> inputs;
  std::vector<Step> steps;
  /// The bodies of the Scan steps, of the program and of scan bodies.
  std::vector<ScanBody> scans;
  /// Shapes of every value: the inputs, then one per step.
  std::vector<Shape> shapes;
  /// The values summed into the loss (those no later step uses), each
  /// weighted elementwise by a fixed random tensor of its shape.
  std::vector<int> lossTerms;
  std::vector<std::vector<double>> lossWeights;

  /// The inputs passed as arguments of the compiled function (not captured),
  /// in input order.
  std::vector<int> getArgumentInputs() const;
  /// The captured inputs in the order the program first uses them, which is
  /// the order the tracer appends them as function arguments.
  std::vector<int> getCapturedInputsInUseOrder() const;
  /// A listing of the inputs, steps and loss, one line each.
  std::string describe() const;
};

/// Limits of generated programs.
struct GeneratorOptions {
  int minSteps = 3;
  int maxSteps = 12;
  int maxInputs = 5;
  /// Large programs: each starts either with a matrix product of dims 33-80
  /// (x @ W, x @ W^T, x^T @ W or batched; beyond 32^3 multiply-adds, so the
  /// JIT calls BLAS) or with elementwise ops on at least 2^16 elements (so
  /// the JIT runs them as parallel loops), and matmuls add dims of 33-80.
  bool large = false;
  /// Also draw the sequence-model composites (layer_norm, gelu, cumsum, tril,
  /// triu, stack, repeat). Off by default, so that a seed keeps meaning the
  /// same program it did before they existed.
  bool sequenceOps = false;
  /// Also draw scans (jit::scan) of random bodies: smooth elementwise ops,
  /// matrix products with invariants, reductions, softmax and layer_norm,
  /// nested scans; one to three carries of ranks 0-2, up to three outputs,
  /// lengths 0, 1 and 2-6. Off by default, as sequenceOps.
  bool scanOps = false;
};

/// Generates the program of `seed`. The generator evaluates every candidate
/// op eagerly and keeps it only if its operands are in the op's domain and
/// away from its points of non-differentiability (see docs/testing.md), so
/// the program's gradient is well defined and central differences converge.
Program generateProgram(uint64_t seed, const GeneratorOptions &options = {});

/// Runs `step` on its operand tensors with the eager API.
Tensor applyStep(const Step &step, const std::vector<Tensor> &operands);

/// Runs `step` of `program` (or of one of its scan bodies) on its operand
/// tensors: a Scan step with jit::scan of its body, others as applyStep.
Tensor evaluateStep(const Program &program, const Step &step,
                    const std::vector<Tensor> &operands);

/// Whether `program` contains a Scan step.
bool hasScans(const Program &program);

/// Evaluates `program` with the eager API on `inputs` (one tensor per
/// program input) and returns the values of its loss terms (unweighted), in
/// the order of `program.lossTerms`.
std::vector<Tensor> evaluateLossTerms(const Program &program,
                                      const std::vector<Tensor> &inputs);

/// Evaluates `program` with the eager API on `inputs` (one tensor per
/// program input) and returns the scalar loss.
Tensor evaluate(const Program &program, const std::vector<Tensor> &inputs);

} // namespace adjit::difftest

#endif // ADJIT_TOOLS_DIFFTEST_PROGRAM_H
