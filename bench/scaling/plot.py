#!/usr/bin/env python3
"""Plots the compile-scaling bench's CSV: time and memory per op against ops.

Usage: plot.py [results.csv] [output.png]
(defaults: bench/scaling/results.csv, docs/compile-scaling.png, relative to
the repository root). Reads the CSV that `adjit-bench-compile-scaling --csv`
writes and draws, per program family, the compile's wall time per op, its
CPU time per op and the peak memory it adds per op against the number of
ops (log x), with the targets (0.5 ms and 50 KB per op) as horizontal lines.
A line that stays flat is a compile that is linear in the program's size.
Needs matplotlib (Debian: python3-matplotlib, for /usr/bin/python3);
nothing in the build or the tests runs it.
"""

import csv
import os
import sys
from collections import defaultdict

TIME_TARGET_MS = 0.5
MEMORY_TARGET_KB = 50.0


def read(path):
    """Rows of the CSV grouped by program family, sorted by op count."""
    families = defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            ops = int(row["ops"])
            if ops <= 0:
                continue
            families[row["program"]].append({
                "ops": ops,
                "wall_ms": 1e3 * float(row["compile_s"]) / ops,
                "cpu_ms": 1e3 * float(row["cpu_s"]) / ops,
                "kb": float(row["peak_bytes"]) / 1e3 / ops,
            })
    for rows in families.values():
        rows.sort(key=lambda r: r["ops"])
    return families


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "bench", "scaling", "results.csv")
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        root, "docs", "compile-scaling.png")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot.py needs matplotlib (apt-get install python3-matplotlib)")

    families = read(source)
    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for color, (family, rows) in zip(colors, sorted(families.items())):
        ops = [r["ops"] for r in rows]
        time_axis.plot(ops, [r["cpu_ms"] for r in rows], "o-", color=color,
                       label=f"{family} (CPU)")
        time_axis.plot(ops, [r["wall_ms"] for r in rows], "o--", color=color,
                       alpha=0.45, label=f"{family} (wall)")
        memory_axis.plot(ops, [r["kb"] for r in rows], "o-", color=color,
                         label=family)
    time_axis.axhline(TIME_TARGET_MS, color="black", linestyle=":",
                      label=f"target {TIME_TARGET_MS} ms/op")
    memory_axis.axhline(MEMORY_TARGET_KB, color="black", linestyle=":",
                        label=f"target {MEMORY_TARGET_KB:g} KB/op")
    time_axis.set(xscale="log", yscale="log", xlabel="ops (with the gradient)",
                  ylabel="compile time per op (ms)",
                  title="Cold compile time per op")
    memory_axis.set(xscale="log", yscale="log",
                    xlabel="ops (with the gradient)",
                    ylabel="peak memory added per op (KB)",
                    title="Peak compile memory per op")
    for axis in (time_axis, memory_axis):
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(output, dpi=110)
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
