// Pass options that adjit-autodiff rejects: a diagnostic and no output.
// RUN: not adjit-opt %s --adjit-autodiff="function=nope" 2>&1 >%t.nofunc | FileCheck %s --check-prefix=NOFUNC
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.nofunc
// RUN: not adjit-opt %s --adjit-autodiff="wrt=0" 2>&1 >%t.notarget | FileCheck %s --check-prefix=NOTARGET
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.notarget
// RUN: not adjit-opt %s --adjit-autodiff="function=f wrt=5" 2>&1 >%t.range | FileCheck %s --check-prefix=RANGE
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.range

// EMPTY-NOT: {{.}}

// NOFUNC: error: no function named @nope to differentiate (functions in the module: @f, @g)

// NOTARGET: error: adjit-autodiff: the options wrt, of, name and scalar-cotangents need function=<name> to say which function they apply to

// RANGE: option_errors.mlir:[[@LINE+1]]:1: error: cannot differentiate @f with respect to argument #5: it has 1 argument (differentiable: 0)
func.func @f(%x: tensor<2xf64>) -> tensor<2xf64> {
  return %x : tensor<2xf64>
}

func.func @g() {
  return
}
