// Pass options that adjit-append-optimizer-update rejects: a diagnostic and
// no output. The values the eager optimizers reject are rejected with them.
// RUN: not adjit-opt %s --adjit-append-optimizer-update 2>&1 >%t.out | FileCheck %s --check-prefix=NOFUNC
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.out
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=rmsprop" 2>&1 >%t.out | FileCheck %s --check-prefix=UNKNOWN
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.out
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad beta1=0.5" 2>&1 | FileCheck %s --check-prefix=SGDBETA
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad eps=1e-6" 2>&1 | FileCheck %s --check-prefix=SGDEPS
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=adam momentum=0.9" 2>&1 | FileCheck %s --check-prefix=ADAMMOMENTUM
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=adam nesterov=true" 2>&1 | FileCheck %s --check-prefix=ADAMNESTEROV
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad momentum=-0.5" 2>&1 >%t.out | FileCheck %s --check-prefix=MOMENTUM
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.out
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad momentum=nan" 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad weight-decay=-1" 2>&1 | FileCheck %s --check-prefix=DECAY
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad nesterov=true" 2>&1 | FileCheck %s --check-prefix=NESTEROV
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad momentum=0.9 dampening=0.1 nesterov=true" 2>&1 | FileCheck %s --check-prefix=NESTEROVDAMPENING
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=adam beta1=1" 2>&1 | FileCheck %s --check-prefix=BETA1
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=adam beta2=-0.5" 2>&1 | FileCheck %s --check-prefix=BETA2
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=adam eps=-1e-8" 2>&1 | FileCheck %s --check-prefix=EPS
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad wrt=0,0" 2>&1 >%t.out | FileCheck %s --check-prefix=REPEATED
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.out
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad wrt=-1" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=g_grad" 2>&1 >%t.out | FileCheck %s --check-prefix=NODEFAULT
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.out

// EMPTY-NOT: {{.}}

// NOFUNC: error: adjit-append-optimizer-update: needs function=<name>, the gradient function to extend
// UNKNOWN: error: adjit-append-optimizer-update: unknown optimizer 'rmsprop' (valid: sgd, adam, adamw)
// SGDBETA: error: adjit-append-optimizer-update: option 'beta1' does not apply to optimizer=sgd (it is an option of optimizer=adam or adamw)
// SGDEPS: error: adjit-append-optimizer-update: option 'eps' does not apply to optimizer=sgd (it is an option of optimizer=adam or adamw)
// ADAMMOMENTUM: error: adjit-append-optimizer-update: option 'momentum' does not apply to optimizer=adam (it is an option of optimizer=sgd)
// ADAMNESTEROV: error: adjit-append-optimizer-update: option 'nesterov' does not apply to optimizer=adam (it is an option of optimizer=sgd)
// MOMENTUM: error: adjit-append-optimizer-update: invalid optimizer option momentum=-0.5 (it must be finite and >= 0)
// NAN: error: adjit-append-optimizer-update: invalid optimizer option momentum=nan (it must be finite and >= 0)
// DECAY: error: adjit-append-optimizer-update: invalid optimizer option weight-decay=-1 (it must be finite and >= 0)
// NESTEROV: error: adjit-append-optimizer-update: invalid optimizer options: Nesterov momentum requires a momentum and zero dampening (got momentum=0 dampening=0)
// NESTEROVDAMPENING: error: adjit-append-optimizer-update: invalid optimizer options: Nesterov momentum requires a momentum and zero dampening (got momentum=0.9 dampening=0.1)
// BETA1: error: adjit-append-optimizer-update: invalid optimizer option beta1=1 (it must be in [0, 1))
// BETA2: error: adjit-append-optimizer-update: invalid optimizer option beta2=-0.5 (it must be in [0, 1))
// EPS: error: adjit-append-optimizer-update: invalid optimizer option eps=-1e-08 (it must be finite and >= 0)

// REPEATED: option_errors.mlir:[[@LINE+2]]:1: error: cannot append an optimizer update to @f_grad: argument #0 appears twice in wrt (each argument is updated once)
// NEGATIVE: option_errors.mlir:[[@LINE+1]]:1: error: cannot append an optimizer update to @f_grad: wrt index -1 is out of range (it has 1 argument)
func.func @f_grad(%w: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = adjit.reduce_sum %w, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<3xf32>
}

// Three f32 tensor arguments but two gradients: which arguments they belong
// to cannot be told from the signature.
// NODEFAULT: option_errors.mlir:[[@LINE+1]]:1: error: cannot append an optimizer update to @g_grad: it has 3 f32/f64 tensor arguments but returns 2 gradients after the loss; say which arguments they belong to with wrt=<indices>
func.func @g_grad(%a: tensor<3xf32>, %b: tensor<3xf32>, %x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>) {
  %0 = adjit.mul %a, %b : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %1, %b, %a : tensor<f32>, tensor<3xf32>, tensor<3xf32>
}

// Parameter groups and clipping.
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad groups=0,1" 2>&1 | FileCheck %s --check-prefix=GROUPCOUNT
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad groups=-1" 2>&1 | FileCheck %s --check-prefix=GROUPNEGATIVE
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad groups=2 weight-decay=0,0" 2>&1 | FileCheck %s --check-prefix=GROUPLIST
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad clip-grad-norm=-1" 2>&1 | FileCheck %s --check-prefix=CLIP
// RUN: not adjit-opt %s --adjit-append-optimizer-update="function=f_grad optimizer=adam beta2=0.9,1" 2>&1 | FileCheck %s --check-prefix=GROUPBETA
// GROUPCOUNT: error: cannot append an optimizer update to @f_grad: 2 group indices for 1 updated arguments (give one per wrt argument)
// GROUPNEGATIVE: error: adjit-append-optimizer-update: group index -1 is negative
// GROUPLIST: error: adjit-append-optimizer-update: option 'weight-decay' has 2 values for 3 groups (give one, or one per group)
// CLIP: error: adjit-append-optimizer-update: invalid optimizer option clip-grad-norm=-1 (it must be finite and > 0, or 0 for no clipping)
// GROUPBETA: error: adjit-append-optimizer-update: invalid optimizer option beta2=1 (it must be in [0, 1))
