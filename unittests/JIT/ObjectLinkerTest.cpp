//===- ObjectLinkerTest.cpp - the shared libraries, loaded when needed ----===//
//
// linkObject loads the shared libraries it is given only once an object
// refers to a symbol that neither the JIT's runtime nor the process defines.
// The library here, MLIR's async runtime, is one that nothing else in the
// process loads.
//
//===----------------------------------------------------------------------===//

#include "ObjectLinker.h"
#include "CodeGenerator.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include "gtest/gtest.h"

#include <dlfcn.h>
#include <filesystem>
#include <string>

using namespace adjit::jit;

namespace {

/// Calls the allocator runtime, libc and libm: all defined without the
/// library.
const char *const kWithoutLibrary = R"llvm(
define double @_mlir_own(double %x) {
  %p = call ptr @_mlir_memref_to_llvm_alloc(i64 16)
  store double %x, ptr %p
  %y = load double, ptr %p
  call void @_mlir_memref_to_llvm_free(ptr %p)
  %z = call double @exp(double %y)
  %q = call ptr @malloc(i64 8)
  call void @free(ptr %q)
  ret double %z
}
declare ptr @_mlir_memref_to_llvm_alloc(i64)
declare void @_mlir_memref_to_llvm_free(ptr)
declare double @exp(double)
declare ptr @malloc(i64)
declare void @free(ptr)
)llvm";

/// Refers to a function only the library defines.
const char *const kWithLibrary = R"llvm(
define ptr @_mlir_stub() {
  ret ptr @mlirAsyncRuntimeAddRef
}
declare void @mlirAsyncRuntimeAddRef(ptr, i64)
)llvm";

std::unique_ptr<llvm::MemoryBuffer> compile(const char *text) {
  llvm::LLVMContext context;
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(text, diagnostic, context);
  EXPECT_TRUE(module) << diagnostic.getMessage().str();
  if (!module)
    return nullptr;
  auto machine = detail::getHostTargetMachine(0);
  EXPECT_TRUE(bool(machine)) << llvm::toString(machine.takeError());
  if (!machine)
    return nullptr;
  module->setDataLayout(machine->createDataLayout());
  module->setTargetTriple(machine->getTargetTriple());
  auto object = detail::generateObject(*module, 0);
  EXPECT_TRUE(bool(object)) << llvm::toString(object.takeError());
  return object ? std::move(*object) : nullptr;
}

/// Compiles `text`, links it with `library` into `jit` and sets `address` to
/// the function `name`.
void link(const char *text, const std::string &library, const char *name,
          std::unique_ptr<llvm::orc::LLJIT> &jit, void *&address) {
  auto object = compile(text);
  ASSERT_TRUE(object);
  auto linked = detail::linkObject(std::move(object), {library});
  ASSERT_TRUE(bool(linked)) << llvm::toString(linked.takeError());
  jit = std::move(*linked);
  auto found = jit->lookup(name);
  ASSERT_TRUE(bool(found)) << llvm::toString(found.takeError());
  address = found->toPtr<void *>();
}

bool isLoaded(const std::string &library) {
  void *handle = dlopen(library.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (handle)
    dlclose(handle);
  return handle != nullptr;
}

TEST(ObjectLinkerTest, LoadsTheLibrariesOnlyForSymbolsNothingElseDefines) {
  const std::string library = ADJIT_TEST_STUB_LIBRARY;
  if (!std::filesystem::exists(library))
    GTEST_SKIP() << library << " is not installed";
  ASSERT_FALSE(isLoaded(library)) << "a test before this one loaded it";
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  std::unique_ptr<llvm::orc::LLJIT> own;
  void *function = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      link(kWithoutLibrary, library, "_mlir_own", own, function));
  EXPECT_EQ(reinterpret_cast<double (*)(double)>(function)(0.0), 1.0);
  EXPECT_FALSE(isLoaded(library));

  std::unique_ptr<llvm::orc::LLJIT> stub;
  void *address = nullptr;
  ASSERT_NO_FATAL_FAILURE(
      link(kWithLibrary, library, "_mlir_stub", stub, address));
  EXPECT_TRUE(isLoaded(library));
  void *expected = dlsym(RTLD_DEFAULT, "mlirAsyncRuntimeAddRef");
  ASSERT_NE(expected, nullptr);
  EXPECT_EQ(reinterpret_cast<void *(*)()>(address)(), expected);
}

TEST(ObjectLinkerTest, ASymbolNothingDefinesLoadsTheLibrariesOrFails) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  const char *const unknown = R"llvm(
define ptr @_mlir_unknown() {
  ret ptr @adjit_no_such_symbol
}
declare void @adjit_no_such_symbol()
)llvm";
  // The libraries are needed, and one cannot be loaded.
  auto object = compile(unknown);
  ASSERT_TRUE(object);
  auto failed =
      detail::linkObject(std::move(object), {"/nonexistent/libadjit-none.so"});
  ASSERT_FALSE(bool(failed));
  EXPECT_NE(llvm::toString(failed.takeError()).find("cannot load"),
            std::string::npos);
  // Without libraries the symbol stays undefined, and looking up the
  // function that refers to it fails.
  object = compile(unknown);
  ASSERT_TRUE(object);
  auto linked = detail::linkObject(std::move(object), {});
  ASSERT_TRUE(bool(linked)) << llvm::toString(linked.takeError());
  auto address = (*linked)->lookup("_mlir_unknown");
  ASSERT_FALSE(bool(address));
  llvm::consumeError(address.takeError());
}

} // namespace
