//===- InlineVector.h - A vector with room for a few elements -*- C++ -*-===//
//
// The autograd graph gives each recorded op a node, and each node a few
// edges and saved tensors. Keeping the first few in the node itself spares an
// allocation per op while recording and a cache miss per node while a
// backward pass walks the graph.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_INLINEVECTOR_H
#define ADJIT_RUNTIME_INLINEVECTOR_H

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace adjit {

/// A move-only sequence that holds up to \p N elements in place and moves
/// them all to the heap when a push_back exceeds \p N.
template <typename T, size_t N> class InlineVector {
public:
  using value_type = T;
  InlineVector() = default;
  InlineVector(const InlineVector &) = delete;
  InlineVector &operator=(const InlineVector &) = delete;
  InlineVector(InlineVector &&other) noexcept { *this = std::move(other); }
  InlineVector &operator=(InlineVector &&other) noexcept {
    for (size_t i = 0; i < N; ++i)
      inline_[i] = std::move(other.inline_[i]);
    heap_ = std::move(other.heap_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T &operator[](size_t i) const { return data()[i]; }
  T &operator[](size_t i) { return data()[i]; }
  const T *begin() const { return data(); }
  const T *end() const { return data() + size_; }
  T *begin() { return data(); }
  T *end() { return data() + size_; }
  T *data() { return size_ <= N ? inline_ : heap_.data(); }
  const T *data() const { return size_ <= N ? inline_ : heap_.data(); }

  /// Makes room for \p count elements: beyond N, the heap buffer the
  /// elements move to gets that capacity at once, rather than growing by
  /// push_back.
  void reserve(size_t count) {
    if (count > N)
      heap_.reserve(count);
  }

  /// Appends \p value.
  void push_back(T value) {
    if (size_ == N)
      heap_.assign(std::make_move_iterator(inline_),
                   std::make_move_iterator(inline_ + N));
    if (size_ < N)
      inline_[size_] = std::move(value);
    else
      heap_.push_back(std::move(value));
    ++size_;
  }
  /// Drops every element (releasing what they hold).
  void clear() {
    for (T &v : inline_)
      v = T();
    heap_.clear();
    size_ = 0;
  }

private:
  T inline_[N] = {};
  std::vector<T> heap_;
  size_t size_ = 0;
};

} // namespace adjit

#endif // ADJIT_RUNTIME_INLINEVECTOR_H
