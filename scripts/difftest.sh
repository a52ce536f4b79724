#!/usr/bin/env bash
# Differential testing at scale: scripts/difftest.sh N [SEED [OPTION...]]
#
# Runs the random programs of seeds SEED .. SEED+N-1 (default SEED 1) through
# adjit-difftest (eager autograd vs jit::compile vs finite differences), in
# batches of BATCH programs per process (default 500, since every process keeps
# the code it compiled), and prints the totals. Failing programs are reported
# as they are found, with their IR in OUT_DIR (default difftest-failures).
# BUILD_DIR (default build) must hold a built adjit-difftest. Further options
# go to adjit-difftest, e.g. `scripts/difftest.sh 500 1 --large` for large
# programs (BLAS calls and parallel loops; see docs/testing.md).
set -euo pipefail
count=${1:?usage: scripts/difftest.sh N [SEED [OPTION...]]}
seed=${2:-1}
shift $(( $# < 2 ? $# : 2 ))
build_dir=${BUILD_DIR:-build}
batch=${BATCH:-500}
out_dir=${OUT_DIR:-difftest-failures}
tool="$build_dir/bin/adjit-difftest"
[ -x "$tool" ] || { echo "difftest.sh: $tool is not built (make build)" >&2; exit 2; }

start=$(date +%s)
failed=0
skipped=0
batches_failed=0
next=$seed
end=$((seed + count))
while [ "$next" -lt "$end" ]; do
  n=$(( end - next < batch ? end - next : batch ))
  status=0
  output=$("$tool" --seed="$next" --count="$n" --out-dir="$out_dir" "$@") || status=$?
  # Failure reports, then the batch's summary line.
  grep -v '^adjit-difftest: ' <<<"$output" || true
  summary=$(grep '^adjit-difftest: ' <<<"$output" || true)
  echo "$summary"
  if [ -z "$summary" ]; then
    echo "difftest.sh: seeds $next..$((next + n - 1)): adjit-difftest exited with status $status and no summary" >&2
    batches_failed=$((batches_failed + 1))
  else
    failed=$((failed + $(sed -E 's/.*\), ([0-9]+) failed.*/\1/' <<<"$summary")))
    skipped=$((skipped + $(sed -E 's/.* ([0-9]+) finite differences skipped.*/\1/' <<<"$summary")))
  fi
  next=$((next + n))
done
elapsed=$(( $(date +%s) - start ))
echo "difftest.sh: $count programs${*:+ ($*)} (seeds $seed..$((end - 1))), $failed failed, $skipped finite differences skipped, $batches_failed batches crashed, ${elapsed} s"
[ "$failed" -eq 0 ] && [ "$batches_failed" -eq 0 ]
