#!/usr/bin/env bash
# The benchmarks of `make bench`: figures to read, never pass/fail tests.
set -euo pipefail
build_dir=${1:-build}
ran=0
for bench in "$build_dir"/bench/*; do
  [ -x "$bench" ] && [ -f "$bench" ] || continue
  echo "== $(basename "$bench")"
  "$bench"
  ran=1
done
[ "$ran" -eq 1 ] || echo "no benchmarks are built yet"
# The distributed benchmark again on 2 ranks, one thread each.
if [ -x "$build_dir/bench/distributed_bench" ] && command -v mpiexec >/dev/null; then
  echo "== distributed_bench (mpiexec -np 2)"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 mpiexec -np 2 --allow-run-as-root \
    --oversubscribe "$build_dir/bench/distributed_bench"
fi
if [ -d "$build_dir/python/adjit" ]; then
  echo "== python (bench/python/bench_python.py)"
  PYTHONPATH="$build_dir/python" "${PYTHON:-/usr/bin/python3}" \
    "$(dirname "$0")/../bench/python/bench_python.py"
fi
