#!/usr/bin/env bash
# The demo of `make demo`: shows an adjit program before and after
# canonicalization with adjit-opt.
set -euo pipefail
build_dir=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
program="$root/examples/ir/linear_model_loss.mlir"

echo "== $program"
cat "$program"
echo
echo "== adjit-opt --canonicalize"
"$build_dir/bin/adjit-opt" "$program" --canonicalize
