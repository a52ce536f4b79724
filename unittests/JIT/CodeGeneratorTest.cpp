//===- CodeGeneratorTest.cpp - one host target machine per thread ---------===//
//
// getHostTargetMachine gives each thread one target machine per
// code-generation level, and generateObject reuses it from module to module:
// the code of a module does not depend on what the machine compiled before,
// and threads compile concurrently on machines of their own. At -O0 the IR
// pipeline runs only for the modules it can change.
//
//===----------------------------------------------------------------------===//

#include "CodeGenerator.h"
#include "ObjectLinker.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include "gtest/gtest.h"

#include <string>
#include <thread>
#include <vector>

using namespace adjit::jit;

namespace {

/// out[i] = in[i] * scale + 1 for i < n, through a packed entry point.
const char *const kAffine = R"llvm(
define void @_mlir_affine(ptr %list) {
entry:
  %p0 = load ptr, ptr %list
  %s1 = getelementptr ptr, ptr %list, i64 1
  %p1 = load ptr, ptr %s1
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %a = getelementptr float, ptr %p0, i64 %i
  %x = load float, ptr %a
  %m = fmul float %x, 2.500000e+00
  %y = fadd float %m, 1.000000e+00
  %b = getelementptr float, ptr %p1, i64 %i
  store float %y, ptr %b
  %next = add i64 %i, 1
  %done = icmp eq i64 %next, 8
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
)llvm";

/// A module with other function attributes (which the target machine reads
/// per function) and a frame pointer, compiled in between.
const char *const kOther = R"llvm(
define double @_mlir_other(double %x, double %y) #0 {
  %s = fsub nnan ninf double %x, %y
  %d = fdiv double %s, %y
  ret double %d
}
attributes #0 = { "frame-pointer"="all" "no-infs-fp-math"="true"
                  "no-nans-fp-math"="true" "target-cpu"="x86-64" }
)llvm";

void initializeTarget() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
}

std::unique_ptr<llvm::Module> parse(const char *text,
                                    llvm::LLVMContext &context) {
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(text, diagnostic, context);
  EXPECT_TRUE(module) << diagnostic.getMessage().str();
  return module;
}

/// The object code of `text` at `optLevel`, compiled on the calling thread,
/// with the data layout and triple of that thread's -O0 machine as
/// translateToLLVMIR sets them.
std::string compile(const char *text, unsigned optLevel) {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = parse(text, context);
  if (!module)
    return "";
  auto machine = detail::getHostTargetMachine(0);
  EXPECT_TRUE(bool(machine)) << llvm::toString(machine.takeError());
  if (!machine)
    return "";
  module->setDataLayout(machine->createDataLayout());
  module->setTargetTriple(machine->getTargetTriple());
  auto object = detail::generateObject(*module, optLevel);
  EXPECT_TRUE(bool(object)) << llvm::toString(object.takeError());
  return object ? (*object)->getBuffer().str() : "";
}

/// Links the object of kAffine and checks what it computes.
void expectAffineRuns(const std::string &objectCode) {
  auto linked = detail::linkObject(
      llvm::MemoryBuffer::getMemBufferCopy(objectCode, "affine"), {});
  ASSERT_TRUE(bool(linked)) << llvm::toString(linked.takeError());
  auto address = (*linked)->lookup("_mlir_affine");
  ASSERT_TRUE(bool(address)) << llvm::toString(address.takeError());
  float in[8], out[8] = {};
  for (int i = 0; i < 8; ++i)
    in[i] = static_cast<float>(i) - 3.0f;
  void *arguments[] = {in, out};
  address->toPtr<void (*)(void **)>()(arguments);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(out[i], in[i] * 2.5f + 1.0f) << "element " << i;
}

TEST(CodeGeneratorTest, OneMachinePerThreadAndLevel) {
  initializeTarget();
  auto fast = detail::getHostTargetMachine(0);
  ASSERT_TRUE(bool(fast)) << llvm::toString(fast.takeError());
  auto fastAgain = detail::getHostTargetMachine(0);
  ASSERT_TRUE(bool(fastAgain)) << llvm::toString(fastAgain.takeError());
  EXPECT_EQ(&*fast, &*fastAgain);
  EXPECT_EQ(fast->getOptLevel(), llvm::CodeGenOptLevel::None);

  auto optimized = detail::getHostTargetMachine(3);
  ASSERT_TRUE(bool(optimized)) << llvm::toString(optimized.takeError());
  EXPECT_NE(&*optimized, &*fast);
  EXPECT_EQ(optimized->getOptLevel(), llvm::CodeGenOptLevel::Aggressive);
  auto beyond = detail::getHostTargetMachine(7);
  ASSERT_TRUE(bool(beyond)) << llvm::toString(beyond.takeError());
  EXPECT_EQ(&*beyond, &*optimized);
  auto less = detail::getHostTargetMachine(1);
  ASSERT_TRUE(bool(less)) << llvm::toString(less.takeError());
  EXPECT_EQ(less->getOptLevel(), llvm::CodeGenOptLevel::Less);

  // Another thread has machines of its own, for the same host.
  const llvm::TargetMachine *otherThreads = nullptr;
  std::string otherTriple;
  std::thread([&] {
    auto machine = detail::getHostTargetMachine(0);
    if (!machine) {
      llvm::consumeError(machine.takeError());
      return;
    }
    otherThreads = &*machine;
    otherTriple = machine->getTargetTriple().str();
  }).join();
  ASSERT_NE(otherThreads, nullptr);
  EXPECT_NE(otherThreads, &*fast);
  EXPECT_EQ(otherTriple, fast->getTargetTriple().str());
}

TEST(CodeGeneratorTest, AReusedMachineGeneratesTheSameCodeAsANewOne) {
  initializeTarget();
  for (unsigned level : {0u, 3u}) {
    // On a new thread, the module is the machine's first.
    std::string first;
    std::thread([&] { first = compile(kAffine, level); }).join();
    ASSERT_FALSE(first.empty());
    // On this thread, after other modules with other attributes.
    ASSERT_FALSE(compile(kOther, level).empty());
    ASSERT_FALSE(compile(kAffine, level).empty());
    ASSERT_FALSE(compile(kOther, level).empty());
    std::string reused = compile(kAffine, level);
    EXPECT_EQ(reused, first) << "at -O" << level;
    expectAffineRuns(reused);
  }
}

TEST(CodeGeneratorTest, ThreadsGenerateCodeConcurrently) {
  initializeTarget();
  std::string expected = compile(kAffine, 0);
  ASSERT_FALSE(expected.empty());
  constexpr int kThreads = 4, kModules = 5;
  std::vector<std::vector<std::string>> objects(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&objects, t] {
      for (int i = 0; i < kModules; ++i) {
        objects[t].push_back(compile(kAffine, 0));
        compile(kOther, 0);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (const std::vector<std::string> &perThread : objects)
    for (const std::string &object : perThread)
      EXPECT_EQ(object, expected);
  expectAffineRuns(objects.back().back());
}

/// What the JIT's lowering gives LLVM: an entry point calling an internal
/// function, a loop, memref descriptors, math intrinsics and libm.
const char *const kLowered = R"llvm(
define internal void @body(ptr %0, ptr %1, i64 %2) #0 {
entry:
  %d = insertvalue { ptr, ptr, i64, [1 x i64], [1 x i64] } poison, ptr %0, 0
  %d1 = insertvalue { ptr, ptr, i64, [1 x i64], [1 x i64] } %d, ptr %1, 1
  %p = extractvalue { ptr, ptr, i64, [1 x i64], [1 x i64] } %d1, 1
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %a = getelementptr float, ptr %p, i64 %i
  %x = load float, ptr %a
  %y = call float @llvm.fabs.f32(float %x)
  %z = call float @llvm.fma.f32(float %y, float %y, float 1.0)
  %e = call float @expf(float %z)
  store float %e, ptr %a
  %next = add i64 %i, 1
  %done = icmp sge i64 %next, %2
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @_mlir_entry(ptr %list) {
  %p0 = load ptr, ptr %list
  %a0 = load ptr, ptr %p0
  call void @body(ptr %a0, ptr %a0, i64 4)
  ret void
}

declare float @llvm.fabs.f32(float)
declare float @llvm.fma.f32(float, float, float)
declare float @expf(float)
attributes #0 = { nounwind "frame-pointer"="all" }
)llvm";

/// Runs LLVM's -O0 IR pipeline on `module`, as generateObject does.
void runO0Pipeline(llvm::Module &module) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder;
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
      .run(module, modules);
}

std::string print(const llvm::Module &module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os, nullptr);
  return text;
}

TEST(CodeGeneratorTest, TheO0PipelineChangesNothingItIsSkippedFor) {
  for (const char *text : {kAffine, kOther, kLowered}) {
    llvm::LLVMContext context;
    std::unique_ptr<llvm::Module> module = parse(text, context);
    ASSERT_TRUE(module);
    EXPECT_FALSE(detail::needsO0Pipeline(*module));
    std::string before = print(*module);
    runO0Pipeline(*module);
    EXPECT_EQ(print(*module), before);
  }
}

TEST(CodeGeneratorTest, TheO0PipelineRunsForWhatItChanges) {
  initializeTarget();
  const char *const alwaysInline = R"llvm(
define internal i64 @twice(i64 %x) alwaysinline {
  %y = add i64 %x, %x
  ret i64 %y
}
define i64 @_mlir_f(i64 %x) {
  %y = call i64 @twice(i64 %x)
  ret i64 %y
}
)llvm";
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = parse(alwaysInline, context);
  ASSERT_TRUE(module);
  EXPECT_TRUE(detail::needsO0Pipeline(*module));
  auto object = detail::generateObject(*module, 0);
  ASSERT_TRUE(bool(object)) << llvm::toString(object.takeError());
  // Inlined at its only call, and then deleted.
  EXPECT_EQ(module->getFunction("twice"), nullptr);

  const char *const others[] = {// An always-inline call site.
                                R"llvm(
define i64 @g(i64 %x) {
  ret i64 %x
}
define i64 @f(i64 %x) {
  %y = call i64 @g(i64 %x) alwaysinline
  ret i64 %y
}
)llvm",
                                // Entry instrumentation.
                                R"llvm(
define void @f() "instrument-function-entry"="__cyg_profile_func_enter" {
  ret void
}
)llvm",
                                // A coroutine intrinsic.
                                R"llvm(
declare ptr @llvm.coro.free(token, ptr)
)llvm",
                                // Allocation tokens.
                                R"llvm(
declare ptr @malloc(i64)
define ptr @f() sanitize_alloc_token {
  %p = call ptr @malloc(i64 8)
  ret ptr %p
}
)llvm"};
  for (const char *text : others) {
    std::unique_ptr<llvm::Module> other = parse(text, context);
    ASSERT_TRUE(other);
    EXPECT_TRUE(detail::needsO0Pipeline(*other)) << text;
  }
}

} // namespace
