//===- ObjectLinker.h - linking cached object code into the process -*- C++
//-*-===//

#ifndef ADJIT_LIB_JIT_OBJECTLINKER_H
#define ADJIT_LIB_JIT_OBJECTLINKER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace adjit::jit::detail {

/// Makes the symbols the JIT defines for compiled code (the BLAS, scalar,
/// allocator and collective runtimes), interned for a JIT.
llvm::orc::SymbolMap
getJITRuntimeSymbols(llvm::orc::MangleAndInterner interner);

/// Links `object`, machine code that mlir::ExecutionEngine generated in this
/// or another process, into a new JIT with what the generated code calls:
/// the JIT's runtime symbols, the process's own symbols and the
/// `sharedLibraries`. These are loaded permanently, all of them, the first
/// time an object refers to a symbol that neither the runtime nor the process
/// defines. The object's static initializers have run when this returns.
llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>>
linkObject(std::unique_ptr<llvm::MemoryBuffer> object,
           llvm::ArrayRef<llvm::StringRef> sharedLibraries);

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_OBJECTLINKER_H
