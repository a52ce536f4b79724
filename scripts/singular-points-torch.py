#!/usr/bin/env python3
"""Checks adjit-difftest's table of singular points against PyTorch.

    scripts/singular-points-torch.py [--def FILE] [--generate OP...]

Reads tools/adjit-difftest/SingularPoints.def, evaluates every row with
PyTorch in float64 (the value of op(inputs) and the gradient of
sum(op(inputs) * w), w = 1, 2, 3, ... over the result's elements), and
prints each row where the table and PyTorch disagree. Identity as in
adjit-difftest --singular: any NaN equals any NaN, +0 equals -0, finite
nonzero values agree to a relative 4e-16. Rows whose note starts with
"PyTorch:" document where adjit's convention differs from PyTorch: they are
listed, and it is an error if they agree.

--generate OP... prints table rows for the standard point sets of those ops
(PyTorch's values), to start the rows of a new op.

Without PyTorch (python3-torch), prints a note and exits 0: nothing in the
build depends on this script.
"""

import argparse
import math
import os
import re
import sys

try:
    import torch
except ImportError:
    print("singular-points-torch: PyTorch is not installed; skipped")
    sys.exit(0)

F = torch.nn.functional

# op name -> (function of the operand tensors and attributes, kinds), kinds
# as in SingularPoints.cpp: d differentiable, m mask, c class index, a
# attribute.
OPS = {
    "neg": (lambda x: torch.neg(x), "d"),
    "exp": (lambda x: torch.exp(x), "d"),
    "log": (lambda x: torch.log(x), "d"),
    "sqrt": (lambda x: torch.sqrt(x), "d"),
    "tanh": (lambda x: torch.tanh(x), "d"),
    "sigmoid": (lambda x: torch.sigmoid(x), "d"),
    "relu": (lambda x: torch.relu(x), "d"),
    "abs": (lambda x: torch.abs(x), "d"),
    "clone": (lambda x: torch.clone(x), "d"),
    "to": (lambda x: x.to(torch.float32), "d"),
    "pow_scalar": (lambda x, e: torch.pow(x, e), "da"),
    "pow": (lambda x, y: torch.pow(x, y), "dd"),
    "add": (lambda x, y: x + y, "dd"),
    "sub": (lambda x, y: x - y, "dd"),
    "mul": (lambda x, y: x * y, "dd"),
    "div": (lambda x, y: x / y, "dd"),
    "where_max": (lambda x, y: torch.where(x > y, x, y), "dd"),
    "where_min": (lambda x, y: torch.where(x < y, x, y), "dd"),
    "maximum": (lambda x, y: torch.maximum(x, y), "dd"),
    "minimum": (lambda x, y: torch.minimum(x, y), "dd"),
    "sin": (lambda x: torch.sin(x), "d"),
    "cos": (lambda x: torch.cos(x), "d"),
    "log1p": (lambda x: torch.log1p(x), "d"),
    "expm1": (lambda x: torch.expm1(x), "d"),
    "erf": (lambda x: torch.erf(x), "d"),
    "lgamma": (lambda x: torch.lgamma(x), "d"),
    "sign": (lambda x: torch.sign(x), "d"),
    "floor": (lambda x: torch.floor(x), "d"),
    "ceil": (lambda x: torch.ceil(x), "d"),
    "round": (lambda x: torch.round(x), "d"),
    "clamp": (lambda x: torch.clamp(x, -1.0, 1.0), "d"),
    "where": (lambda c, x, y: torch.where(c > 0.5, x, y), "mdd"),
    "where_log": (
        lambda x: torch.where(x > 0, torch.log(x), torch.zeros_like(x)),
        "d",
    ),
    "sum": (lambda x: x.sum(), "d"),
    "sum_dim": (lambda x: x.sum(1), "d"),
    "mean": (lambda x: x.mean(), "d"),
    "mean_dim": (lambda x: x.mean(0, keepdim=True), "d"),
    "prod": (lambda x: x.prod(), "d"),
    "prod_dim": (lambda x: x.prod(1), "d"),
    "max": (lambda x: x.max(), "d"),
    "max_pool2d": (
        lambda x: F.max_pool2d(x.view(1, 1, 1, -1), (1, 2), 1).flatten(),
        "d",
    ),
    "amax_dim": (lambda x: torch.amax(x, 1), "d"),
    "amin_dim": (lambda x: torch.amin(x, 0, keepdim=True), "d"),
    "logsumexp": (lambda x: torch.logsumexp(x, 1), "d"),
    "std": (lambda x: torch.std(x, 1), "d"),
    "softmax": (lambda x: torch.softmax(x, -1), "d"),
    "log_softmax": (lambda x: torch.log_softmax(x, -1), "d"),
    "matmul": (lambda x, y: torch.matmul(x, y), "dd"),
    "add_broadcast": (lambda x, y: x + y, "dd"),
    "mse_loss": (lambda x, y: F.mse_loss(x, y), "dd"),
    "cross_entropy": (lambda x, t: F.cross_entropy(x, t), "dc"),
    "bce_with_logits": (
        lambda x, y: F.binary_cross_entropy_with_logits(x, y),
        "dd",
    ),
    "reshape": (lambda x: x.reshape(3, 2), "d"),
    "transpose": (lambda x: x.transpose(0, 1), "d"),
    "slice": (lambda x: x[:, 0:3:2], "d"),
    "select": (lambda x: x.select(0, 1), "d"),
    "expand": (lambda x: x.unsqueeze(0).expand(2, 3), "d"),
    "cat": (lambda x, y: torch.cat([x, y], 0), "dd"),
}

# Point sets for --generate, by op.
UNARY = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, math.inf, -math.inf, math.nan,
         1e-310, -1e-310, 1e300, -1e300, 710.0, -750.0]
POW_X = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, math.inf, -math.inf, math.nan]
POW_Y = [0.0, 1.0, 2.0, 0.5, -1.0, -0.5, math.inf, math.nan]
ADD = [0.0, -0.0, 1.0, math.inf, -math.inf, math.nan]
MUL = [0.0, -0.0, 1.0, -2.0, math.inf, -math.inf, math.nan, 1e-300, 1e300]
MAX = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan]


def point_sets(op):
    if OPS[op][1] == "d" and op not in ("sum", "sum_dim", "mean", "mean_dim",
                                        "prod", "prod_dim", "max", "max_pool2d", "softmax", "log_softmax",
                                        "amax_dim", "amin_dim", "logsumexp",
                                        "std",
                                        "reshape", "transpose", "slice",
                                        "select", "expand"):
        return [[x] for x in UNARY]
    if op in ("pow", "pow_scalar"):
        return [[x, y] for y in POW_Y for x in POW_X]
    if op in ("add", "sub"):
        return [[x, y] for x in ADD for y in ADD]
    if op in ("mul", "div"):
        return [[x, y] for x in MUL for y in MUL]
    if op in ("maximum", "minimum", "where_max", "where_min"):
        return [[x, y] for x in MAX for y in MAX]
    if op == "where":
        return [[c, x, y] for c in (1.0, 0.0) for x in (1.0, math.nan,
                                                        math.inf)
                for y in (-1.0, math.nan, -math.inf)]
    sys.exit(f"no standard points for {op}: write its rows by hand")


def fmt(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    s = repr(v)  # the shortest text that reads back as v
    return s[:-2] if s.endswith(".0") else s


def fmt_tensor(t):
    if t.dim() == 0:
        return fmt(t.item())
    return "[" + ", ".join(fmt_tensor(s) for s in t) + "]"


def parse_values(text):
    text = text.strip()
    if text.startswith("["):
        # Python's list syntax, with the table's number spellings.
        body = re.sub(r"-?(inf|nan)", lambda m: repr(m.group(0)), text)
        return to_floats(eval(body))
    return float(text)


def to_floats(v):
    if isinstance(v, list):
        return [to_floats(e) for e in v]
    return float(v)


def parse_list(text):
    return [parse_values(p) for p in text.split(";")] if text.strip() else []


def evaluate(op, inputs):
    fn, kinds = OPS[op]
    args, leaves = [], []
    for v, kind in zip(inputs, kinds):
        if kind == "a":
            args.append(v)
        elif kind == "c":
            args.append(torch.tensor(v, dtype=torch.int64))
        else:
            t = torch.tensor(v, dtype=torch.float64,
                             requires_grad=kind == "d")
            args.append(t)
            if kind == "d":
                leaves.append(t)
    value = fn(*args)
    w = torch.arange(1, value.numel() + 1, dtype=value.dtype).reshape(
        value.shape)
    grads = torch.autograd.grad((value * w).sum(), leaves,
                                allow_unused=True)
    grads = [g if g is not None else torch.zeros_like(l)
             for g, l in zip(grads, leaves)]
    return value.detach().double(), grads


def same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)) or a == 0 or b == 0:
        return False
    return abs(a - b) <= 4e-16 * abs(b)


def flat(v):
    if isinstance(v, list):
        return [e for x in v for e in flat(x)]
    return [v]


ROW = re.compile(
    r'^POINT\("(\w+)",\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)"\)')


def check(path):
    rows = differences = documented = 0
    for line in open(path):
        m = ROW.match(line.strip())
        if not m:
            continue
        op, inputs, value, grads, note = m.groups()
        rows += 1
        tv, tg = evaluate(op, parse_list(inputs))
        table = [flat(parse_values(value))] + [flat(g)
                                              for g in parse_list(grads)]
        torch_values = [tv.flatten().tolist()] + [g.flatten().tolist()
                                                  for g in tg]
        agree = all(len(a) == len(b) and all(map(same, a, b))
                    for a, b in zip(table, torch_values))
        torch_text = "; ".join(fmt_tensor(t) for t in [tv] + tg)
        if note.startswith("PyTorch:"):
            documented += 1
            print(f"documented: {op} {inputs}: table {value} | {grads}, "
                  f"PyTorch {torch_text}  ({note})")
            if agree:
                print(f"  ... but PyTorch agrees with the table: drop the note")
                differences += 1
            continue
        if not agree:
            differences += 1
            print(f"DIFFERS: {op} {inputs}: table {value} | {grads}, "
                  f"PyTorch {torch_text}")
    print(f"singular-points-torch: {rows} rows, {documented} documented "
          f"deviations, {differences} unexpected differences "
          f"(PyTorch {torch.__version__})")
    return differences == 0


def generate(ops):
    for op in ops:
        for inputs in point_sets(op):
            value, grads = evaluate(op, inputs)
            text = "; ".join(fmt(v) for v in inputs)
            print(f'POINT("{op}", "{text}", "{fmt_tensor(value)}", '
                  f'"{"; ".join(fmt_tensor(g) for g in grads)}", "")')


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--def", dest="path", default=os.path.join(
        root, "tools", "adjit-difftest", "SingularPoints.def"))
    parser.add_argument("--generate", nargs="+", metavar="OP")
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return 0
    return 0 if check(args.path) else 1


if __name__ == "__main__":
    sys.exit(main())
