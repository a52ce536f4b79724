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

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Support/DynamicLibrary.h"

using namespace adjit::jit;

llvm::orc::SymbolMap
detail::getJITRuntimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  for (auto &[name, address] : detail::getBlasRuntimeSymbols())
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  for (auto &[name, address] : detail::getAllocatorRuntimeSymbols())
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  for (auto &[name, address] :
       adjit::distributed::detail::getCompiledCollectiveSymbols())
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  for (auto &[name, address] : detail::getOpenMPRuntimeSymbols())
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  for (auto &[name, address] : detail::getScalarRuntimeSymbols())
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
  return symbols;
}

llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>>
detail::linkObject(std::unique_ptr<llvm::MemoryBuffer> object,
                   llvm::ArrayRef<llvm::StringRef> sharedLibraries) {
  for (llvm::StringRef library : sharedLibraries) {
    std::string error;
    if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(library.str().c_str(),
                                                          &error))
      return llvm::createStringError("cannot load " + library.str() + ": " +
                                     error);
  }
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
