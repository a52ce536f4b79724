//===- ObjectLinker.cpp - linking cached object code into the process -----===//
//
// The object linking layer is the one mlir::ExecutionEngine uses (RuntimeDyld
// with a SectionMemoryManager), so that code loaded from the disk cache is
// linked exactly as freshly generated code is.
//
//===----------------------------------------------------------------------===//

#include "ObjectLinker.h"

#include "BlasRuntime.h"
#include "BufferAllocator.h"
#include "CodeGenerator.h"
#include "OpenMPRuntime.h"
#include "PerfMap.h"
#include "ScalarRuntime.h"

#include "adjit/Distributed/CompiledCollectives.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/DynamicLibrary.h"

using namespace adjit::jit;

namespace {

/// The symbols the JIT defines for compiled code (the BLAS, scalar,
/// allocator, OpenMP and collective runtimes), by their names in C.
std::vector<std::pair<std::string, void *>> getRuntimeSymbols() {
  std::vector<std::pair<std::string, void *>> symbols;
  for (auto &&list :
       {detail::getBlasRuntimeSymbols(), detail::getAllocatorRuntimeSymbols(),
        adjit::distributed::detail::getCompiledCollectiveSymbols(),
        detail::getOpenMPRuntimeSymbols(), detail::getScalarRuntimeSymbols()})
    symbols.insert(symbols.end(), list.begin(), list.end());
  return symbols;
}

/// Returns whether `object` refers to a symbol that neither the JIT's
/// runtime nor the process (the libraries it was linked with and those
/// loaded permanently so far) defines; `globalPrefix` is the prefix of C
/// names in the object's symbols ('\0' for none). An object that cannot be
/// read counts as referring to one (linking it then says what is wrong).
bool refersToUndefinedSymbols(const llvm::MemoryBuffer &object,
                              char globalPrefix) {
  auto file =
      llvm::object::ObjectFile::createObjectFile(object.getMemBufferRef());
  if (!file) {
    llvm::consumeError(file.takeError());
    return true;
  }
  static const llvm::StringSet<> runtime = [] {
    llvm::StringSet<> names;
    for (auto &[name, address] : getRuntimeSymbols())
      names.insert(name);
    return names;
  }();
  for (const llvm::object::SymbolRef &symbol : (*file)->symbols()) {
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (!flags || !name) {
      if (!flags)
        llvm::consumeError(flags.takeError());
      if (!name)
        llvm::consumeError(name.takeError());
      return true;
    }
    if (!(*flags & llvm::object::SymbolRef::SF_Undefined) || name->empty())
      continue;
    llvm::StringRef cName = *name;
    if (globalPrefix != '\0' &&
        !cName.consume_front(llvm::StringRef(&globalPrefix, 1)))
      return true;
    if (runtime.contains(cName))
      continue;
    if (!llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(cName.str()))
      return true;
  }
  return false;
}

} // namespace

llvm::orc::SymbolMap
detail::getJITRuntimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  for (auto &[name, address] : getRuntimeSymbols())
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  return symbols;
}

llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>>
detail::linkObject(std::unique_ptr<llvm::MemoryBuffer> object,
                   llvm::ArrayRef<llvm::StringRef> sharedLibraries) {
  auto targetMachineBuilder = detail::getHostTargetMachineBuilder();
  if (!targetMachineBuilder)
    return targetMachineBuilder.takeError();
  auto jit =
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(std::move(*targetMachineBuilder))
          .setObjectLinkingLayerCreator(
              [](llvm::orc::ExecutionSession &session)
                  -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                auto layer =
                    std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
                        session, [](const llvm::MemoryBuffer &) {
                          return std::make_unique<llvm::SectionMemoryManager>();
                        });
                if (llvm::JITEventListener *perfMap = getPerfMapListener())
                  layer->registerJITEventListener(*perfMap);
                return layer;
              })
          .create();
  if (!jit)
    return jit.takeError();
  // Loading the libraries took about 2 ms, a twentieth of the first compile
  // of a small program, which often calls none of them; once loaded they
  // stay, and the lookups below find them.
  if (!sharedLibraries.empty() &&
      refersToUndefinedSymbols(*object,
                               (*jit)->getDataLayout().getGlobalPrefix())) {
    for (llvm::StringRef library : sharedLibraries) {
      std::string error;
      if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(
              library.str().c_str(), &error))
        return llvm::createStringError("cannot load " + library.str() + ": " +
                                       error);
    }
  }
  llvm::orc::JITDylib &main = (*jit)->getMainJITDylib();
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  main.addGenerator(std::move(*process));
  llvm::orc::MangleAndInterner interner((*jit)->getExecutionSession(),
                                        (*jit)->getDataLayout());
  if (llvm::Error error = main.define(
          llvm::orc::absoluteSymbols(getJITRuntimeSymbols(interner))))
    return std::move(error);
  if (llvm::Error error = (*jit)->addObjectFile(std::move(object)))
    return std::move(error);
  if (llvm::Error error = (*jit)->initialize(main))
    return std::move(error);
  return std::move(*jit);
}
