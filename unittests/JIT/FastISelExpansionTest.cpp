//===- FastISelExpansionTest.cpp - intrinsics FastISel selects ------------===//
//
// expandForFastISel on hand-written LLVM IR: no call of llvm.fabs is left,
// llvm.fma stays, and the code compiled at -O0 computes |x| exactly and
// a * b + c rounded once.
//
//===----------------------------------------------------------------------===//

#include "FastISelExpansion.h"
#include "CodeGenerator.h"
#include "ObjectLinker.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>

using namespace adjit::jit;

namespace {

const char *const kModule = R"llvm(
define void @_mlir_f32(ptr %list) {
  %p0 = load ptr, ptr %list
  %s1 = getelementptr ptr, ptr %list, i64 1
  %p1 = load ptr, ptr %s1
  %s2 = getelementptr ptr, ptr %list, i64 2
  %p2 = load ptr, ptr %s2
  %s3 = getelementptr ptr, ptr %list, i64 3
  %p3 = load ptr, ptr %s3
  %a = load float, ptr %p0
  %b = load float, ptr %p1
  %c = load float, ptr %p2
  %m = call float @llvm.fma.f32(float %a, float %b, float %c)
  %n = call float @llvm.fabs.f32(float %c)
  %q = getelementptr float, ptr %p3, i64 1
  store float %m, ptr %p3
  store float %n, ptr %q
  ret void
}

define void @_mlir_v2f64(ptr %list) {
  %p0 = load ptr, ptr %list
  %s1 = getelementptr ptr, ptr %list, i64 1
  %p1 = load ptr, ptr %s1
  %x = load <2 x double>, ptr %p0
  %y = call <2 x double> @llvm.fabs.v2f64(<2 x double> %x)
  %z = call <2 x double> @llvm.fma.v2f64(<2 x double> %x, <2 x double> %x, <2 x double> %y)
  store <2 x double> %z, ptr %p1
  ret void
}

declare float @llvm.fma.f32(float, float, float)
declare float @llvm.fabs.f32(float)
declare <2 x double> @llvm.fabs.v2f64(<2 x double>)
declare <2 x double> @llvm.fma.v2f64(<2 x double>, <2 x double>, <2 x double>)
)llvm";

TEST(FastISelExpansionTest, ReplacesFabsAndKeepsFma) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::LLVMContext context;
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(kModule, diagnostic, context);
  ASSERT_TRUE(module) << diagnostic.getMessage().str();

  EXPECT_EQ(detail::expandForFastISel(*module), 2u);
  std::string errors;
  llvm::raw_string_ostream os(errors);
  ASSERT_FALSE(llvm::verifyModule(*module, &os)) << errors;
  unsigned fmaCalls = 0;
  for (llvm::Function &function : *module)
    for (llvm::Instruction &instruction : llvm::instructions(function)) {
      auto *intrinsic = llvm::dyn_cast<llvm::IntrinsicInst>(&instruction);
      if (!intrinsic)
        continue;
      EXPECT_EQ(intrinsic->getIntrinsicID(), llvm::Intrinsic::fma)
          << "an intrinsic call is left in " << function.getName().str();
      ++fmaCalls;
    }
  EXPECT_EQ(fmaCalls, 2u);

  auto object = detail::generateObject(*module, 0);
  ASSERT_TRUE(bool(object)) << llvm::toString(object.takeError());
  auto linked = detail::linkObject(std::move(*object), {});
  ASSERT_TRUE(bool(linked)) << llvm::toString(linked.takeError());
  using EntryPoint = void (*)(void **);

  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11 in float: a
  // product and a sum would give 0, the fused multiply-add gives 2^-24.
  float a = 1.0f + std::ldexp(1.0f, -12);
  float c = -(1.0f + std::ldexp(1.0f, -11));
  float results[2] = {-1.0f, -1.0f};
  void *f32Arguments[] = {&a, &a, &c, results};
  auto f32 = (*linked)->lookup("_mlir_f32");
  ASSERT_TRUE(bool(f32)) << llvm::toString(f32.takeError());
  f32->toPtr<EntryPoint>()(f32Arguments);
  EXPECT_EQ(results[0], std::ldexp(1.0f, -24));
  EXPECT_EQ(results[1], 1.0f + std::ldexp(1.0f, -11));

  // |x| of a negative and a positive value.
  double x[2] = {-3.5, 2.0}, z[2] = {0, 0};
  void *v2Arguments[] = {x, z};
  auto v2 = (*linked)->lookup("_mlir_v2f64");
  ASSERT_TRUE(bool(v2)) << llvm::toString(v2.takeError());
  v2->toPtr<EntryPoint>()(v2Arguments);
  EXPECT_EQ(z[0], -3.5 * -3.5 + 3.5);
  EXPECT_EQ(z[1], 2.0 * 2.0 + 2.0);
}

} // namespace
