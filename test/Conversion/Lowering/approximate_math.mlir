// RUN: adjit-opt %s --adjit-approximate-math | FileCheck %s

// exp, log and tanh on f32 become polynomial arithmetic that vectorizes.
// CHECK-LABEL: func.func @approximated
// CHECK-NOT: math.exp %
// CHECK-NOT: math.log %
// CHECK-NOT: math.tanh
// CHECK: return
func.func @approximated(%x: vector<8xf32>)
    -> (vector<8xf32>, vector<8xf32>, vector<8xf32>) {
  %0 = math.exp %x : vector<8xf32>
  %1 = math.log %x : vector<8xf32>
  %2 = math.tanh %x : vector<8xf32>
  return %0, %1, %2 : vector<8xf32>, vector<8xf32>, vector<8xf32>
}

// math.erf is never replaced by the upstream f32 approximation, which is
// up to 4 ulp off the C library's erff and is not what eager code computes:
// adjit.erf on f32 is lowered (convert-adjit-to-linalg) to the arithmetic of
// adjit/Semantics/Erf.h, which the eager kernel computes too, so compiled
// and eager values agree bit for bit (adjit-difftest --singular checks
// erf(0.5) and erf(2), where the two differed by one ulp). expm1 is left to
// adjit-precise-math-to-libm; f64 is never approximated.
// CHECK-LABEL: func.func @kept
// CHECK-NEXT: math.erf %{{.*}} : f32
// CHECK-NEXT: math.expm1 %{{.*}} : f32
// CHECK-NEXT: math.exp %{{.*}} : f64
// CHECK-NEXT: math.tanh %{{.*}} : f64
// CHECK-NEXT: return
func.func @kept(%x: f32, %y: f64) -> (f32, f32, f64, f64) {
  %0 = math.erf %x : f32
  %1 = math.expm1 %x : f32
  %2 = math.exp %y : f64
  %3 = math.tanh %y : f64
  return %0, %1, %2, %3 : f32, f32, f64, f64
}
