//===- Shape.h - Sizes or strides of a tensor, stored inline ----*- C++ -*-===//
//
// Every tensor carries its sizes and strides. With std::vector each of the
// two is a heap block of its own: two mallocs per tensor, two frees, and two
// cache misses whenever an op reads an operand's geometry. A recorded graph
// of small ops (a recurrent cell over a long sequence) keeps hundreds of
// thousands of such tensors alive, and those blocks dominated the cost of
// recording it and of running its backward. Shape keeps up to six
// dimensions in place and moves to the heap only beyond.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_SHAPE_H
#define ADJIT_SEMANTICS_SHAPE_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace adjit {

/// A list of sizes or strides: a sequence of int64_t with the interface of
/// std::vector<int64_t> (iterators are pointers), up to kInlineCapacity
/// elements stored in the object itself. It converts implicitly from and to
/// std::vector<int64_t>, so code written against a vector of sizes keeps
/// compiling.
class Shape {
public:
  using value_type = int64_t;
  using size_type = size_t;
  using difference_type = std::ptrdiff_t;
  using reference = int64_t &;
  using const_reference = const int64_t &;
  using pointer = int64_t *;
  using const_pointer = const int64_t *;
  using iterator = int64_t *;
  using const_iterator = const int64_t *;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  /// Elements stored without a heap allocation.
  static constexpr size_t kInlineCapacity = 6;

  Shape() noexcept = default;
  explicit Shape(size_t count) { assign(count, 0); }
  Shape(size_t count, int64_t value) { assign(count, value); }
  Shape(std::initializer_list<int64_t> values) {
    assign(values.begin(), values.end());
  }
  template <typename It,
            typename = std::enable_if_t<std::is_base_of_v<
                std::input_iterator_tag,
                typename std::iterator_traits<It>::iterator_category>>>
  Shape(It first, It last) {
    assign(first, last);
  }
  /// Implicit from a vector of sizes.
  Shape(const std::vector<int64_t> &values) {
    assign(values.begin(), values.end());
  }
  Shape(const Shape &other) { copyFrom(other); }
  Shape(Shape &&other) noexcept { takeFrom(other); }
  ~Shape() { release(); }

  Shape &operator=(const Shape &other) {
    if (this != &other)
      copyFrom(other);
    return *this;
  }
  Shape &operator=(Shape &&other) noexcept {
    if (this != &other) {
      release();
      takeFrom(other);
    }
    return *this;
  }
  Shape &operator=(std::initializer_list<int64_t> values) {
    assign(values.begin(), values.end());
    return *this;
  }
  Shape &operator=(const std::vector<int64_t> &values) {
    assign(values.begin(), values.end());
    return *this;
  }

  /// Implicit to a vector of sizes.
  operator std::vector<int64_t>() const { return vec(); }
  /// The elements as a std::vector.
  std::vector<int64_t> vec() const { return {begin(), end()}; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  int64_t *data() { return data_; }
  const int64_t *data() const { return data_; }
  int64_t &operator[](size_t i) { return data_[i]; }
  const int64_t &operator[](size_t i) const { return data_[i]; }
  /// Bounds-checked access; throws std::out_of_range as vector does
  /// (aborts where exceptions are off).
  int64_t &at(size_t i);
  const int64_t &at(size_t i) const { return const_cast<Shape *>(this)->at(i); }
  int64_t &front() { return data_[0]; }
  const int64_t &front() const { return data_[0]; }
  int64_t &back() { return data_[size_ - 1]; }
  const int64_t &back() const { return data_[size_ - 1]; }

  iterator begin() { return data_; }
  iterator end() { return data_ + size_; }
  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }
  const_iterator cbegin() const { return data_; }
  const_iterator cend() const { return data_ + size_; }
  reverse_iterator rbegin() { return reverse_iterator(end()); }
  reverse_iterator rend() { return reverse_iterator(begin()); }
  const_reverse_iterator rbegin() const {
    return const_reverse_iterator(end());
  }
  const_reverse_iterator rend() const {
    return const_reverse_iterator(begin());
  }

  void reserve(size_t count) {
    if (count > capacity_)
      grow(count);
  }
  void clear() { size_ = 0; }
  void push_back(int64_t value) {
    if (size_ == capacity_)
      grow(capacity_ * 2);
    data_[size_++] = value;
  }
  int64_t &emplace_back(int64_t value) {
    push_back(value);
    return back();
  }
  void pop_back() { --size_; }
  void resize(size_t count, int64_t value = 0) {
    reserve(count);
    for (size_t i = size_; i < count; ++i)
      data_[i] = value;
    size_ = static_cast<uint32_t>(count);
  }
  void assign(size_t count, int64_t value) {
    size_ = 0;
    resize(count, value);
  }
  template <typename It,
            typename = std::enable_if_t<std::is_base_of_v<
                std::input_iterator_tag,
                typename std::iterator_traits<It>::iterator_category>>>
  void assign(It first, It last) {
    size_ = 0;
    if constexpr (std::is_base_of_v<
                      std::forward_iterator_tag,
                      typename std::iterator_traits<It>::iterator_category>) {
      size_t count = static_cast<size_t>(std::distance(first, last));
      reserve(count);
      for (size_t i = 0; i < count; ++i, ++first)
        data_[i] = static_cast<int64_t>(*first);
      size_ = static_cast<uint32_t>(count);
    } else {
      for (; first != last; ++first)
        push_back(static_cast<int64_t>(*first));
    }
  }
  void assign(std::initializer_list<int64_t> values) {
    assign(values.begin(), values.end());
  }

  iterator insert(const_iterator pos, int64_t value) {
    return insert(pos, size_t(1), value);
  }
  iterator insert(const_iterator pos, size_t count, int64_t value) {
    size_t at = static_cast<size_t>(pos - data_);
    reserve(size_ + count);
    std::memmove(data_ + at + count, data_ + at,
                 (size_ - at) * sizeof(int64_t));
    std::fill(data_ + at, data_ + at + count, value);
    size_ += static_cast<uint32_t>(count);
    return data_ + at;
  }
  template <typename It,
            typename = std::enable_if_t<std::is_base_of_v<
                std::input_iterator_tag,
                typename std::iterator_traits<It>::iterator_category>>>
  iterator insert(const_iterator pos, It first, It last) {
    size_t at = static_cast<size_t>(pos - data_);
    // Copied first: the range may be part of this shape.
    Shape values(first, last);
    size_t count = values.size();
    reserve(size_ + count);
    std::memmove(data_ + at + count, data_ + at,
                 (size_ - at) * sizeof(int64_t));
    std::copy(values.begin(), values.end(), data_ + at);
    size_ += static_cast<uint32_t>(count);
    return data_ + at;
  }
  iterator insert(const_iterator pos, std::initializer_list<int64_t> values) {
    return insert(pos, values.begin(), values.end());
  }
  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }
  iterator erase(const_iterator first, const_iterator last) {
    size_t at = static_cast<size_t>(first - data_);
    size_t count = static_cast<size_t>(last - first);
    std::memmove(data_ + at, data_ + at + count,
                 (size_ - at - count) * sizeof(int64_t));
    size_ -= static_cast<uint32_t>(count);
    return data_ + at;
  }
  void swap(Shape &other) noexcept {
    Shape tmp(std::move(other));
    other = std::move(*this);
    *this = std::move(tmp);
  }

  friend bool operator==(const Shape &a, const Shape &b) {
    return a.size_ == b.size_ &&
           std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator!=(const Shape &a, const Shape &b) { return !(a == b); }
  friend bool operator<(const Shape &a, const Shape &b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator>(const Shape &a, const Shape &b) { return b < a; }
  friend bool operator<=(const Shape &a, const Shape &b) { return !(b < a); }
  friend bool operator>=(const Shape &a, const Shape &b) { return !(a < b); }

private:
  bool isInline() const { return data_ == inline_; }
  void release() {
    if (!isInline())
      ::operator delete(data_);
    data_ = inline_;
    capacity_ = kInlineCapacity;
    size_ = 0;
  }
  void grow(size_t minCapacity) {
    size_t capacity = std::max<size_t>(minCapacity, kInlineCapacity * 2);
    auto *bigger =
        static_cast<int64_t *>(::operator new(capacity * sizeof(int64_t)));
    std::memcpy(bigger, data_, size_ * sizeof(int64_t));
    if (!isInline())
      ::operator delete(data_);
    data_ = bigger;
    capacity_ = static_cast<uint32_t>(capacity);
  }
  /// Copies \p other's elements. Up to the inline capacity the copy is of a
  /// fixed size (every buffer holds at least that many), which compiles to
  /// a few moves instead of a call.
  void copyFrom(const Shape &other) {
    reserve(other.size_);
    if (other.size_ <= kInlineCapacity)
      std::memcpy(data_, other.data_, sizeof(inline_));
    else
      std::memcpy(data_, other.data_, other.size_ * sizeof(int64_t));
    size_ = other.size_;
  }
  void takeFrom(Shape &other) noexcept {
    if (other.isInline()) {
      std::memcpy(inline_, other.inline_, sizeof(inline_));
      data_ = inline_;
      capacity_ = kInlineCapacity;
    } else {
      data_ = other.data_;
      capacity_ = other.capacity_;
      other.data_ = other.inline_;
      other.capacity_ = kInlineCapacity;
    }
    size_ = other.size_;
    other.size_ = 0;
  }

  int64_t *data_ = inline_;
  uint32_t size_ = 0;
  uint32_t capacity_ = kInlineCapacity;
  int64_t inline_[kInlineCapacity];
};

inline int64_t &Shape::at(size_t i) {
  if (i >= size_) {
#if defined(__cpp_exceptions)
    throw std::out_of_range("Shape::at: index " + std::to_string(i) +
                            " is out of range for size " +
                            std::to_string(size_));
#else
    std::abort();
#endif
  }
  return data_[i];
}

inline void swap(Shape &a, Shape &b) noexcept { a.swap(b); }

} // namespace adjit

#endif // ADJIT_SEMANTICS_SHAPE_H
