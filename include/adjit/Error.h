//===- Error.h - the exception type of the adjit C++ API --------*- C++ -*-===//

#ifndef ADJIT_ERROR_H
#define ADJIT_ERROR_H

#include <stdexcept>
#include <string>

namespace adjit {

/// The exception thrown by the adjit C++ API on misuse and on failures of
/// compilation; its message names the function or op and what was wrong.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace adjit

#endif // ADJIT_ERROR_H
