#!/usr/bin/env bash
# The demo of `make demo`: linear regression trained eagerly and with the JIT,
# the Iris MLP with the JIT (loss and gradients compiled, then a fused
# TrainStep with Adam), the digits CNN as one compiled TrainStep, the
# character-level GPT (200 steps and a sample), then an
# adjit program before and after canonicalization.
set -euo pipefail
build_dir=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)

echo "== linear regression, eager autograd (examples/linear_regression.cpp)"
"$build_dir/examples/linear_regression"
echo
echo "== linear regression, compiled with adjit::jit (examples/linear_regression_jit.cpp)"
"$build_dir/examples/linear_regression_jit"
echo

echo "== Iris MLP classifier, eager autograd and Adam (examples/mlp_iris.cpp; per-epoch losses omitted)"
"$build_dir/examples/mlp_iris" | grep -v '^epoch'
echo

echo "== Iris MLP classifier, compiled with adjit::jit (examples/mlp_iris.cpp --jit)"
"$build_dir/examples/mlp_iris" --jit
echo

echo "== the same with the Adam update compiled in too (examples/mlp_iris.cpp --fused, jit::TrainStep)"
"$build_dir/examples/mlp_iris" --fused
echo

echo "== digits CNN (conv, batch norm, max pool, dropout) in one compiled TrainStep with SGD momentum (examples/digits_cnn.cpp --fused)"
"$build_dir/examples/digits_cnn" --fused
echo

echo "== character-level GPT on tinyshakespeare, 200 steps of one compiled TrainStep with AdamW, then a sample (examples/char_gpt.cpp --steps 200)"
"$build_dir/examples/char_gpt" --steps 200
echo

program="$root/examples/ir/linear_model_loss.mlir"
echo "== adjit-opt --canonicalize $program"
"$build_dir/bin/adjit-opt" "$program" --canonicalize
