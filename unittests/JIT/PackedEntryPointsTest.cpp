//===- PackedEntryPointsTest.cpp - the JIT's calling convention -----------===//
//
// The packed entry points of PackedEntryPoints.h on hand-written LLVM IR,
// compiled and called: results stored field by field agree with the
// aggregate the function returned, whatever order its chain wrote in.
//
//===----------------------------------------------------------------------===//

#include "PackedEntryPoints.h"
#include "CodeGenerator.h"
#include "ObjectLinker.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <cstring>

using namespace adjit::jit;

namespace {

/// @three returns {i64, {ptr, [2 x i64]}, i64}: its chain starts from a
/// defined aggregate, writes the array whole and then one element of it,
/// builds the inner struct with a chain of its own, and writes the last
/// field twice. @used returns a struct but is called by @caller, so it keeps
/// its signature. @hidden is private: it gets no entry point. @attributed
/// has a parameter attribute, which its entry point keeps by calling it.
const char *const kModule = R"llvm(
%inner = type { ptr, [2 x i64] }
%three = type { i64, %inner, i64 }

define %three @three(i64 %a, ptr %p) {
  %v0 = insertvalue %three { i64 7, %inner zeroinitializer, i64 8 }, i64 %a, 0
  %v1 = insertvalue %inner undef, ptr %p, 0
  %v2 = insertvalue %inner %v1, [2 x i64] [i64 20, i64 21], 1
  %v3 = insertvalue %inner %v2, i64 %a, 1, 1
  %v4 = insertvalue %three %v0, %inner %v3, 1
  %v5 = insertvalue %three %v4, i64 100, 2
  %v6 = add i64 %a, 1000
  %v7 = insertvalue %three %v5, i64 %v6, 2
  ret %three %v7
}

define { i64, i64 } @used(i64 %a) {
  %v0 = insertvalue { i64, i64 } undef, i64 %a, 0
  %v1 = insertvalue { i64, i64 } %v0, i64 %a, 1
  ret { i64, i64 } %v1
}

define i64 @caller(i64 %a) {
  %v0 = call { i64, i64 } @used(i64 %a)
  %v1 = extractvalue { i64, i64 } %v0, 1
  %v2 = call i64 @hidden(i64 %v1)
  ret i64 %v2
}

define internal i64 @hidden(i64 %a) {
  %v0 = mul i64 %a, 3
  ret i64 %v0
}

define i64 @attributed(ptr noalias %p) {
  %v0 = load i64, ptr %p
  %v1 = add i64 %v0, 1
  ret i64 %v1
}
)llvm";

struct Inner {
  void *pointer;
  int64_t array[2];
};
struct Three {
  int64_t first;
  Inner inner;
  int64_t last;
};

class PackedEntryPointsTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::SMDiagnostic diagnostic;
    module = llvm::parseAssemblyString(kModule, diagnostic, context);
    ASSERT_TRUE(module) << diagnostic.getMessage().str();
    detail::addPackedEntryPoints(*module);
    std::string errors;
    llvm::raw_string_ostream os(errors);
    ASSERT_FALSE(llvm::verifyModule(*module, &os)) << errors;
  }

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module;
};

TEST_F(PackedEntryPointsTest, PublicFunctionsGetEntryPoints) {
  EXPECT_TRUE(module->getFunction("_mlir_three"));
  EXPECT_TRUE(module->getFunction("_mlir_used"));
  EXPECT_TRUE(module->getFunction("_mlir_caller"));
  EXPECT_FALSE(module->getFunction("_mlir_hidden"));
}

TEST_F(PackedEntryPointsTest, UnusedStructResultIsStoredFieldByField) {
  // Nothing calls @three: its body moved into its entry point, which takes
  // the argument list only and stores the result field by field.
  EXPECT_FALSE(module->getFunction("three"));
  llvm::Function *three = module->getFunction("_mlir_three");
  ASSERT_TRUE(three);
  EXPECT_TRUE(three->getReturnType()->isVoidTy());
  EXPECT_EQ(three->arg_size(), 1u);
  for (llvm::Instruction &instruction : llvm::instructions(*three)) {
    EXPECT_FALSE(llvm::isa<llvm::InsertValueInst>(instruction))
        << "a chain is left: " << instruction.getName().str();
    EXPECT_FALSE(llvm::isa<llvm::CallInst>(instruction))
        << "the entry point calls: " << instruction.getName().str();
  }
  // A function something calls keeps its signature, and its entry point
  // calls it.
  llvm::Function *used = module->getFunction("used");
  ASSERT_TRUE(used);
  EXPECT_TRUE(used->getReturnType()->isStructTy());
  EXPECT_FALSE(used->use_empty());
  EXPECT_FALSE(module->getFunction("caller"));
  llvm::Function *attributed = module->getFunction("attributed");
  ASSERT_TRUE(attributed);
  EXPECT_FALSE(attributed->use_empty());
}

TEST_F(PackedEntryPointsTest, CompiledEntryPointsReturnWhatTheFunctionsDid) {
  for (unsigned optLevel : {0u, 3u}) {
    SCOPED_TRACE("LLVM -O" + std::to_string(optLevel));
    std::unique_ptr<llvm::Module> copy = llvm::CloneModule(*module);
    auto object = detail::generateObject(*copy, optLevel);
    ASSERT_TRUE(bool(object)) << llvm::toString(object.takeError());
    auto linked = detail::linkObject(std::move(*object), {});
    ASSERT_TRUE(bool(linked)) << llvm::toString(linked.takeError());
    using EntryPoint = void (*)(void **);

    auto threeAddress = (*linked)->lookup("_mlir_three");
    ASSERT_TRUE(bool(threeAddress)) << llvm::toString(threeAddress.takeError());
    int64_t a = 5;
    int marker = 0;
    void *pointer = &marker;
    Three result;
    std::memset(&result, 0xab, sizeof(result));
    void *arguments[] = {&a, &pointer, &result};
    threeAddress->toPtr<EntryPoint>()(arguments);
    EXPECT_EQ(result.first, 5);
    EXPECT_EQ(result.inner.pointer, &marker);
    EXPECT_EQ(result.inner.array[0], 20);
    EXPECT_EQ(result.inner.array[1], 5);
    EXPECT_EQ(result.last, 1005);

    auto callerAddress = (*linked)->lookup("_mlir_caller");
    ASSERT_TRUE(bool(callerAddress))
        << llvm::toString(callerAddress.takeError());
    int64_t b = 4, product = 0;
    void *callerArguments[] = {&b, &product};
    callerAddress->toPtr<EntryPoint>()(callerArguments);
    EXPECT_EQ(product, 12);

    auto attributedAddress = (*linked)->lookup("_mlir_attributed");
    ASSERT_TRUE(bool(attributedAddress))
        << llvm::toString(attributedAddress.takeError());
    int64_t value = 41, sum = 0;
    int64_t *valuePointer = &value;
    void *attributedArguments[] = {&valuePointer, &sum};
    attributedAddress->toPtr<EntryPoint>()(attributedArguments);
    EXPECT_EQ(sum, 42);
  }
}

} // namespace
