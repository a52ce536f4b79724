//===- OpObserver.h - watch the eager ops a thread runs ---------*- C++ -*-===//
//
// The eager runtime reports every op it runs to the observer installed on the
// running thread, if any. The tracing frontend installs one to record the
// ops as adjit IR. With no observer installed the cost is one thread-local
// load per op.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_OPOBSERVER_H
#define ADJIT_RUNTIME_OPOBSERVER_H

#include "adjit/Runtime/Scan.h"
#include "adjit/Tensor.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <type_traits>
#include <vector>

namespace adjit::runtime {

/// The ops an observer is told about. Each op reports its attributes
/// resolved as its eager kernel uses them (dims normalized, slices clamped),
/// after it checked them: an observer never re-derives them.
enum class OpKind {
  /// A tensor made by a factory (zeros, full, from_vector, ...): its value is
  /// fixed when it is made.
  Constant,
/// The primitives of adjit/Semantics/Ops.def.
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp) Kind,
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands) Kind,
#include "adjit/Semantics/Ops.def"
  Matmul,
  /// `ints` are the reduced dims, normalized and sorted (empty: all),
  /// `keepDim` as in PyTorch.
  Sum,
  Mean,
  Prod,
  Amax,
  /// max(dim) and min(dim), which return two tensors and are reported once
  /// for each: `ints` is {dim, 0} for the values and {dim, 1} for the
  /// indices, `keepDim` as in PyTorch. (argmax and argmin report both.)
  MaxDim,
  MinDim,
  /// Any op that only changes the shape (reshape, view, flatten, squeeze,
  /// unsqueeze): the output's shape is the new shape; `ints` is what was
  /// asked for (the shape of view and reshape, the dim of squeeze(dim) and
  /// unsqueeze).
  Reshape,
  /// `ints` is the permutation, normalized (transpose, t and permute).
  Permute,
  /// `ints` is {dim, start, end, step}, normalized and clamped as Python
  /// slices are.
  Slice,
  /// Broadcast to the output's shape.
  Expand,
  /// Conversion to the output's dtype.
  Convert,
  /// `predicate` is the ComparePredicate order: eq ne lt le gt ge.
  Compare,
  /// Inputs: condition, on-true, on-false.
  Where,
  /// `ints` is {dim}, normalized.
  Cat,
  /// The output has the input's value (clone).
  Identity,
  /// `ints` is {dim, index}, both normalized: the slice at index with dim
  /// removed.
  Select,
  /// Power with the exponent `scalar`.
  PowScalar,
  /// `ints` is {dim}, normalized.
  LogSoftmax,
  /// The input's value with no gradient flowing back (detach).
  StopGradient,
  // State written by a traced function and random masks (batch_norm's
  // running statistics, dropout).
  /// `inputs[1]` written into the tensor `inputs[0]`, which is also the
  /// output: state that outlives the call (see writeState()).
  StateWrite,
  /// A dropout mask of the output's shape and dtype: 1 / (1 - p) where an
  /// element is kept, 0 elsewhere. `inputs[0]` is the random generator's
  /// state (int64 [seed, offset], see getRandomState()), `scalar` is p.
  DropoutMask,
  // Pooling
  /// Of an NCHW input; `ints` is {kernel (2), stride (2), padding (2),
  /// dilation (2), ceil_mode, count_include_pad}, expanded and checked.
  MaxPool2d,
  AvgPool2d,
  /// Of an NCHW input; `ints` is the output size {OH, OW}.
  AdaptiveAvgPool2d,
  // Convolution
  /// conv1d and conv2d: inputs {input, weight} or {input, weight, bias};
  /// `ints` is {stride h, stride w, padding top, left, bottom, right,
  /// dilation h, dilation w, groups, spatial dims}, resolved (a conv1d has
  /// height 1: stride 1, padding 0, dilation 1 in h).
  Convolution,
  // Indexing
  /// PyTorch's gather: inputs {input, int64 index of the input's rank}; `ints`
  /// is {dim}, normalized. The index was checked before.
  Gather,
  /// The transpose of Gather: inputs {source, int64 index of the source's
  /// shape} added into zeros of the output's shape; `ints` is {dim},
  /// normalized.
  ScatterAdd,
};

/// The operands of an op, referred to and not held: a record lives no
/// longer than the call of its op, whose operands outlive it, so that
/// reporting an op touches no reference count. Up to three inline, more
/// (cat) on the heap, so that reporting an op allocates nothing.
class OpInputs {
public:
  /// Iterates over the operands as tensors.
  class iterator {
  public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Tensor;
    using difference_type = std::ptrdiff_t;
    using pointer = const Tensor *;
    using reference = const Tensor &;

    explicit iterator(const Tensor *const *position) : position(position) {}
    reference operator*() const { return **position; }
    pointer operator->() const { return *position; }
    reference operator[](difference_type n) const { return *position[n]; }
    iterator &operator++() {
      ++position;
      return *this;
    }
    iterator operator++(int) { return iterator(position++); }
    iterator &operator--() {
      --position;
      return *this;
    }
    iterator operator--(int) { return iterator(position--); }
    iterator &operator+=(difference_type n) {
      position += n;
      return *this;
    }
    iterator &operator-=(difference_type n) {
      position -= n;
      return *this;
    }
    friend iterator operator+(iterator it, difference_type n) {
      return it += n;
    }
    friend iterator operator+(difference_type n, iterator it) {
      return it += n;
    }
    friend iterator operator-(iterator it, difference_type n) {
      return it -= n;
    }
    friend difference_type operator-(iterator a, iterator b) {
      return a.position - b.position;
    }
    friend bool operator==(iterator a, iterator b) {
      return a.position == b.position;
    }
    friend bool operator!=(iterator a, iterator b) {
      return a.position != b.position;
    }
    friend bool operator<(iterator a, iterator b) {
      return a.position < b.position;
    }
    friend bool operator>(iterator a, iterator b) { return b < a; }
    friend bool operator<=(iterator a, iterator b) { return !(b < a); }
    friend bool operator>=(iterator a, iterator b) { return !(a < b); }

  private:
    const Tensor *const *position;
  };

  /// No operands; the inline array is left uninitialized (see OpInts()).
  OpInputs() {}
  /// The operands `first`, `rest...`: a braced list such as `{a, b}` calls
  /// this.
  template <typename... Rest,
            typename = std::enable_if_t<(std::is_same_v<Rest, Tensor> && ...)>>
  OpInputs(const Tensor &first, const Rest &...rest) {
    const Tensor *tensors[] = {&first, &rest...};
    count = 1 + sizeof...(Rest);
    if (count > kInline)
      overflow.assign(std::begin(tensors), std::end(tensors));
    else
      std::copy(std::begin(tensors), std::end(tensors), inlineTensors.begin());
  }
  OpInputs(const std::vector<Tensor> &tensors) : count(tensors.size()) {
    if (count > kInline)
      overflow.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (count <= kInline)
        inlineTensors[i] = &tensors[i];
      else
        overflow.push_back(&tensors[i]);
    }
  }

  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  const Tensor &operator[](size_t index) const { return *data()[index]; }
  iterator begin() const { return iterator(data()); }
  iterator end() const { return iterator(data() + count); }

private:
  static constexpr size_t kInline = 3;
  const Tensor *const *data() const {
    return count <= kInline ? inlineTensors.data() : overflow.data();
  }

  std::array<const Tensor *, kInline> inlineTensors;
  std::vector<const Tensor *> overflow;
  size_t count = 0;
};

/// The integer attributes of an op: up to twelve inline (every op has at
/// most ten), more on the heap, so that reporting an op allocates nothing.
class OpInts {
public:
  /// No attributes. Provided, not defaulted, so that `OpInts ints = {}`
  /// leaves the inline array uninitialized instead of zeroing it for every
  /// op reported.
  OpInts() {}
  OpInts(std::initializer_list<int64_t> values) {
    assign(values.begin(), values.end());
  }
  OpInts(const std::vector<int64_t> &values) {
    assign(values.begin(), values.end());
  }
  OpInts(const Shape &values) { assign(values.begin(), values.end()); }
  template <typename Iterator> OpInts(Iterator first, Iterator last) {
    assign(first, last);
  }

  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  const int64_t *data() const {
    return count <= kInline ? inlineInts.data() : overflow.data();
  }
  int64_t operator[](size_t index) const { return data()[index]; }
  const int64_t *begin() const { return data(); }
  const int64_t *end() const { return data() + count; }
  /// Appends `value`.
  void push_back(int64_t value) {
    if (count < kInline) {
      inlineInts[count++] = value;
      return;
    }
    if (count == kInline)
      overflow.assign(inlineInts.begin(), inlineInts.end());
    overflow.push_back(value);
    ++count;
  }
  /// Returns the values as a vector.
  std::vector<int64_t> vec() const { return {begin(), end()}; }

  friend bool operator==(const OpInts &a, const OpInts &b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator!=(const OpInts &a, const OpInts &b) { return !(a == b); }

private:
  static constexpr size_t kInline = 12;
  template <typename Iterator> void assign(Iterator first, Iterator last) {
    count = static_cast<size_t>(std::distance(first, last));
    if (count <= kInline)
      std::copy(first, last, inlineInts.begin());
    else
      overflow.assign(first, last);
  }

  std::array<int64_t, kInline> inlineInts;
  std::vector<int64_t> overflow;
  size_t count = 0;
};

/// One eager op as it ran.
struct OpRecord {
  OpKind kind;
  /// The op's name in the API, for messages.
  const char *name;
  OpInputs inputs;
  OpInts ints = {};
  bool keepDim = false;
  int predicate = 0;
  double scalar = 0;
  /// Set by the runtime once the op ran.
  Tensor output = {};
  /// For a constant: its value follows from the record alone (the
  /// factory's name and its arguments in `ints`), so that a replaying
  /// observer answers it, as other ops, without the factory running.
  bool determinedByRecord = false;
};

/// A requirement an op makes of the values of an int64 tensor of indices:
/// every element lies in [0, bound) or equals `ignored` if that is set
/// (cross_entropy's ignore_index). Compiled code does not look at values,
/// so an observer that compiles the op must repeat the check whenever the
/// compiled code runs on other indices.
struct IndexRangeCheck {
  /// The op, what one index is and what the bound counts, for the message
  /// "<op>: <what> 7 at position 2 is out of bounds for 4 <unit>".
  const char *op;
  const char *what;
  int64_t bound;
  const char *unit;
  /// A value allowed besides [0, bound).
  std::optional<int64_t> ignored = std::nullopt;
  /// Whether `bound` itself is allowed too: the values are counts in
  /// [0, bound] (a scan's run-time trip count), and the message reads
  /// "<op>: <what> = 9 lies outside [0, 8], where 8 is <unit>".
  bool inclusive = false;

  /// Throws adjit::Error naming the first element of `indices` (int64) that
  /// lies outside [0, bound) ([0, bound] if inclusive).
  void verify(const Tensor &indices) const;
};

/// Receives the ops the eager runtime runs on one thread.
///
/// A replaying observer (isReplaying()) checks a function against ops
/// recorded earlier instead of watching it run: the runtime hands it every op
/// but a constant without running the op, and returns what replay() returns.
class OpObserver {
public:
  explicit OpObserver(bool replaying = false) : replaying(replaying) {}
  virtual ~OpObserver();
  /// Whether ops are replayed instead of run (see replay()).
  bool isReplaying() const { return replaying; }
  /// Called after an op ran, with its inputs and output.
  virtual void observe(const OpRecord &record) = 0;
  /// Called instead of running an op that is not a constant (or a constant
  /// that its record determines, OpRecord::determinedByRecord), when
  /// isReplaying(); returns the op's result, which may be a shape-only
  /// tensor (makeShapeOnlyTensor) but for a constant has its values. May
  /// throw.
  virtual Tensor replay(const OpRecord &record);
  /// Called before `op` reads tensor values to the host (item, data_ptr) or
  /// runs an op the observer cannot represent; may throw adjit::Error.
  virtual void observeUnsupported(const char *op, const char *what) = 0;
  /// Called when an op requires `check` of the values of `indices`, before
  /// it verifies them; may throw adjit::Error.
  virtual void observeIndexCheck(const IndexRangeCheck &check,
                                 const Tensor &indices) = 0;
  /// Called for a jit::scan instead of running its steps; returns the final
  /// carries and the stacked outputs. The default runs the steps
  /// (runScanSteps), each op of which this observer is told about as usual.
  virtual ScanResult scan(const ScanCall &call);

private:
  bool replaying;
};

/// Returns the observer installed on this thread, or null.
OpObserver *getCurrentObserver();

/// Installs an observer on this thread for the scope's lifetime.
class ObserverScope {
public:
  explicit ObserverScope(OpObserver *observer);
  ~ObserverScope();
  ObserverScope(const ObserverScope &) = delete;
  ObserverScope &operator=(const ObserverScope &) = delete;

private:
  OpObserver *previous;
};

/// Every tensor gets a serial number when it is made, unique in the process;
/// later tensors made by the same thread get larger ones. (Each thread takes
/// its serials from a block of its own, so that making a tensor touches no
/// memory shared with other threads.) Returns the serial of `tensor`.
uint64_t getCreationSerial(const Tensor &tensor);

/// Returns a serial that every tensor made before this call has a smaller
/// serial than, or is made by another thread, and that every tensor the
/// calling thread makes after it reaches.
uint64_t getNextCreationSerial();

/// Returns a tensor with the shape, strides, dtype and requires_grad flag of
/// `like` but no elements, as a replaying observer returns for an op: a
/// shape-only replay runs no kernel. Reading its elements is an error that
/// the replay reports before it happens (every op that reads elements
/// notifies the observer first).
Tensor makeShapeOnlyTensor(const Tensor &like);

/// Returns whether `a` and `b` have the same shape, dtype and elements, bit
/// for bit (a NaN equals the same NaN; -0 differs from +0).
bool haveIdenticalElements(const Tensor &a, const Tensor &b);

/// Runs `body` (the op's implementation) with no observer, so that the ops it
/// is made of are not reported, and reports its result to the current
/// observer as the one op `record`.
/// A replaying observer is handed `record` instead, and `body` runs only for
/// constants that the record does not determine.
template <typename Body> Tensor observeAsOneOp(OpRecord &&record, Body body) {
  OpObserver *observer = getCurrentObserver();
  if (observer->isReplaying() &&
      (record.kind != OpKind::Constant || record.determinedByRecord))
    return observer->replay(record);
  {
    ObserverScope unobserved(nullptr);
    record.output = body();
  }
  observer->observe(record);
  return record.output;
}

/// Writes `value` into `target` (converted to its dtype) under NoGradGuard:
/// state that outlives the op, such as batch_norm's running statistics or
/// the random generator's offset. The current observer, if any, is told
/// before the write as an op of kind StateWrite named `op` (a tracer makes it
/// a result of the compiled function that is written back after each call);
/// a replaying observer is told instead of the write. Throws adjit::Error if
/// `target` requires grad or the shapes differ.
void writeState(const char *op, const Tensor &target, const Tensor &value);

/// The random generator's state that dropout draws from: an int64 tensor
/// [seed, offset] (the seed's bits), made once and only ever written in
/// place. manual_seed(s) sets it to [s, 0]; each dropout mask of n elements
/// uses the counters offset .. offset + n - 1 and advances the offset by n
/// (adjit/Semantics/Philox.h).
const Tensor &getRandomState();

/// Tells the current observer, if any, about an op.
inline void notifyObserver(const OpRecord &record) {
  if (OpObserver *observer = getCurrentObserver())
    observer->observe(record);
}

/// Tells the current observer, if any, that `op` does something it may not
/// support (`what`, e.g. "reads a tensor value to the host").
inline void notifyUnsupported(const char *op, const char *what) {
  if (OpObserver *observer = getCurrentObserver())
    observer->observeUnsupported(op, what);
}

/// Tells the current observer, if any, that an op requires `check` of the
/// values of `indices`.
inline void notifyIndexCheck(const IndexRangeCheck &check,
                             const Tensor &indices) {
  if (OpObserver *observer = getCurrentObserver())
    observer->observeIndexCheck(check, indices);
}

} // namespace adjit::runtime

#endif // ADJIT_RUNTIME_OPOBSERVER_H
