//===- Error.h - the exception type of the adjit C++ API --------*- C++ -*-===//

#ifndef ADJIT_ERROR_H
#define ADJIT_ERROR_H

#include <stdexcept>
#include <string>

namespace adjit {

/// The exception thrown by the user-facing API: on misuse (shape and dtype
/// mismatches, bad dimensions, autograd misuse) and on failures of
/// compilation. The message names the op or function and the shapes, types
/// or diagnostics involved.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace adjit

#endif // ADJIT_ERROR_H
