#!/usr/bin/env python3
"""Checks adjit-autodiff gradients against central finite differences.

For a function @F of an adjit module, runs
    adjit-opt FILE [--pre OPTION]... --adjit-autodiff="function=F ..."
              --canonicalize --cse
and builds one function @check that computes, in a single JIT run:
  * the body of @F_grad (primal results and vector-Jacobian products), and
  * for every element j of every differentiated argument i, the body of @F
    at x_i + h e_j and at x_i - h e_j.
It runs @check with adjit-run on seeded random arguments and cotangents and
compares every gradient element with the central difference
    sum_k <u_k, (F_k(x + h e_j) - F_k(x - h e_j))> / (2 h)
(u_k: the cotangent of result k, 1 for single-element results).

The error of one gradient is max_j |grad_j - fd_j| / max(|grad|_inf,
|fd|_inf, 1e-3): relative for gradients of norm >= 1e-3, absolute below.
Integer (i64) arguments, such as a trip count known only at run time, are
not differentiated; --int INDEX:VALUE gives their value (0 by default).
Prints one line per argument and exits with 1 if any check fails.
Only the standard library is used.
"""

import argparse
import math
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

FUNC_RE = re.compile(r"^\s*func\.func (?:(?:private|public|nested) )?@([\w$.]+)\((.*)$")
TENSOR_RE = re.compile(r"^tensor<((?:\d+x)*)(f32|f64|i1|i64)>$")


class TensorType:
    """A statically shaped tensor type such as tensor<2x3xf64>."""

    def __init__(self, text):
        match = TENSOR_RE.match(text.strip())
        if not match:
            raise ValueError("unsupported type %r" % text)
        self.text = text.strip()
        self.shape = [int(d) for d in match.group(1).split("x") if d]
        self.element = match.group(2)

    @property
    def size(self):
        size = 1
        for dim in self.shape:
            size *= dim
        return size

    def is_float(self):
        return self.element in ("f32", "f64")


class Function:
    """A func.func of a printed module: argument and result types, body."""

    def __init__(self, name, arg_types, result_types, body):
        self.name = name
        self.arg_types = arg_types
        self.result_types = result_types
        self.body = body  # Lines without the final return.
        self.returned = []  # SSA names of the returned values.


def split_top_level(text):
    """Splits `text` at commas outside of <>, (), [] and {}."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "<([{":
            depth += 1
        elif char in ">)]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def parse_functions(module_text):
    """Returns the functions of a module printed by adjit-opt, by name."""
    functions = {}
    lines = module_text.splitlines()
    index = 0
    while index < len(lines):
        match = FUNC_RE.match(lines[index])
        index += 1
        if not match or not lines[index - 1].rstrip().endswith("{"):
            continue
        name, rest = match.group(1), match.group(2)
        rest = re.sub(r"\s*attributes \{.*\}\s*\{$", " {", rest.rstrip())
        args_text, _, results_text = rest.rpartition(") -> ")
        if not _:
            args_text, results_text = rest.rstrip(" {").rstrip(")"), ""
        else:
            results_text = results_text.rstrip(" {").strip()
            if results_text.startswith("("):
                results_text = results_text[1:-1]
        arg_types = [TensorType(arg.split(":", 1)[1])
                     for arg in split_top_level(args_text)]
        result_types = [TensorType(t) for t in split_top_level(results_text)]
        # The body ends at the brace at the function's indentation; nested
        # regions (adjit.scan bodies) close with deeper braces.
        indent = lines[index - 1][:len(lines[index - 1]) - len(lines[index - 1].lstrip())]
        body = []
        while not lines[index].rstrip() == indent + "}":
            body.append(lines[index].strip())
            index += 1
        function = Function(name, arg_types, result_types, body[:-1])
        ret = body[-1]
        if not ret.startswith("return"):
            raise ValueError("@%s does not end with a return: %r" % (name, ret))
        values = ret[len("return"):].split(" : ")[0]
        function.returned = [v.strip() for v in values.split(",") if v.strip()]
        functions[name] = function
    return functions


SSA_RE = re.compile(r"%([\w$.]+)")


def rename(line, prefix, replacements, num_args):
    """Renames the SSA values of `line`: the function's arguments %argN
    (N < num_args) by `replacements` (else kept), every other value, the
    block arguments of nested regions included, by prefixing `prefix`."""

    def substitute(match):
        name = match.group(1)
        argument = re.fullmatch(r"arg(\d+)", name)
        if argument and int(argument.group(1)) < num_args:
            return replacements.get(name, "%" + name)
        return "%" + prefix + name

    return SSA_RE.sub(substitute, line)


def format_float(value):
    return "%.17e" % value


def format_element(value, tensor_type):
    if tensor_type.element == "i64":
        return "%d" % value
    return format_float(value)


def literal(values, tensor_type):
    """Returns the dense literal of the flat list `values` of `tensor_type`."""

    def nest(flat, shape):
        if not shape:
            return format_element(flat[0], tensor_type)
        step = len(flat) // shape[0] if shape[0] else 0
        return "[" + ", ".join(nest(flat[i * step:(i + 1) * step], shape[1:])
                               for i in range(shape[0])) + "]"

    return "dense<%s> : %s" % (nest(values, tensor_type.shape), tensor_type.text)


NUMBER_RE = re.compile(r"0x[0-9A-Fa-f]+|[-+]?(?:inf|nan|[0-9.]+(?:[eE][-+]?\d+)?)")


def parse_result(line, tensor_type):
    """Parses one dense literal printed by adjit-run into a flat list."""
    body = line.split("dense<", 1)[1].rsplit("> :", 1)[0]
    values = []
    for token in NUMBER_RE.findall(body):
        if token.startswith("0x"):
            bits = int(token, 16)
            if tensor_type.element == "f32":
                values.append(struct.unpack("<f", struct.pack("<I", bits))[0])
            else:
                values.append(struct.unpack("<d", struct.pack("<Q", bits))[0])
        else:
            values.append(float(token))
    if len(values) == 1 and tensor_type.size != 1:
        values = values * tensor_type.size
    if len(values) != tensor_type.size:
        raise ValueError("expected %d values for %s, got %r"
                         % (tensor_type.size, tensor_type.text, line))
    return values


def run(command):
    process = subprocess.run(command, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True)
    if process.returncode != 0:
        sys.stderr.write("command failed: %s\n%s" % (" ".join(command),
                                                      process.stderr))
        sys.exit(2)
    return process.stdout


def parse_indices(text):
    return [int(i) for i in text.split(",")] if text else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--opt", required=True, help="the adjit-opt binary")
    parser.add_argument("--run", required=True, help="the adjit-run binary")
    parser.add_argument("--function", required=True)
    parser.add_argument("--wrt", default="", help="argument indices, e.g. 0,2")
    parser.add_argument("--of", default="", help="result indices, e.g. 1")
    parser.add_argument("--pre", action="append", default=[],
                        help="an adjit-opt option to run first (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--low", type=float, default=-1.0,
                        help="lower bound of the random arguments")
    parser.add_argument("--high", type=float, default=1.0)
    parser.add_argument("--range", action="append", default=[],
                        help="INDEX:LOW:HIGH for one argument")
    parser.add_argument("--int", action="append", default=[],
                        help="INDEX:VALUE for one i64 argument")
    parser.add_argument("--step", type=float, default=1e-5)
    parser.add_argument("--tolerance", type=float, default=1e-6)
    parser.add_argument("--tmp", default=None, help="where to write @check")
    options = parser.parse_args()

    request = "function=%s" % options.function
    if options.wrt:
        request += " wrt=" + options.wrt
    if options.of:
        request += " of=" + options.of
    command = [options.opt, options.file] + options.pre + [
        "--adjit-autodiff=" + request, "--canonicalize", "--cse"]
    functions = parse_functions(run(command))
    primal = functions[options.function]
    gradient = functions[options.function + "_grad"]

    wrt = parse_indices(options.wrt)
    if wrt is None:
        wrt = [i for i, t in enumerate(primal.arg_types) if t.is_float()]
    of = parse_indices(options.of)
    if of is None:
        of = [i for i, t in enumerate(primal.result_types) if t.is_float()]
    cotangent_results = [k for k in of if primal.result_types[k].size != 1]
    expected_args = len(primal.arg_types) + len(cotangent_results)
    expected_results = len(primal.result_types) + len(wrt)
    if (len(gradient.arg_types) != expected_args
            or len(gradient.result_types) != expected_results):
        sys.stderr.write("@%s has an unexpected signature\n" % gradient.name)
        return 2

    # Seeded random arguments and cotangents.
    generator = random.Random(options.seed)
    ranges = {}
    for spec in options.range:
        index, low, high = spec.split(":")
        ranges[int(index)] = (float(low), float(high))
    integers = {}
    for spec in options.int:
        index, value = spec.split(":")
        integers[int(index)] = int(value)
    arguments = []
    for index, arg_type in enumerate(gradient.arg_types):
        if arg_type.element == "i64":
            arguments.append([integers.get(index, 0)] * arg_type.size)
            continue
        low, high = ranges.get(index, (options.low, options.high))
        if index >= len(primal.arg_types):
            low, high = -1.0, 1.0  # Cotangents.
        arguments.append([generator.uniform(low, high)
                          for _ in range(arg_type.size)])
    cotangents = {}
    for position, k in enumerate(cotangent_results):
        cotangents[k] = arguments[len(primal.arg_types) + position]
    for k in of:
        if k not in cotangents:
            cotangents[k] = [1.0]

    # @check: the gradient function's body, then F at every perturbation.
    h = options.step
    lines, returned, returned_types = [], [], []
    for line in gradient.body:
        lines.append(rename(line, "g_", {}, len(gradient.arg_types)))
    returned += [rename(v, "g_", {}, len(gradient.arg_types))
                 for v in gradient.returned]
    returned_types += [t.text for t in gradient.result_types]
    for i in wrt:
        arg_type = primal.arg_types[i]
        for j in range(arg_type.size):
            one_hot = [0.0] * arg_type.size
            one_hot[j] = h
            tag = "d%d_%d" % (i, j)
            lines.append("%%%s = adjit.constant %s" % (tag, literal(one_hot, arg_type)))
            for sign, op in (("p", "add"), ("m", "sub")):
                moved = "%%%s%s" % (sign, tag)
                lines.append("%s = adjit.%s %%arg%d, %%%s : %s"
                             % (moved, op, i, tag, arg_type.text))
                prefix = "%s%s_" % (sign, tag)
                for line in primal.body:
                    lines.append(rename(line, prefix, {"arg%d" % i: moved},
                                        len(primal.arg_types)))
                for k in of:
                    returned.append(rename(primal.returned[k], prefix,
                                           {"arg%d" % i: moved},
                                           len(primal.arg_types)))
                    returned_types.append(primal.result_types[k].text)
    signature = ", ".join("%%arg%d: %s" % (n, t.text)
                          for n, t in enumerate(gradient.arg_types))
    check = ["func.func @check(%s) -> (%s) {" % (signature, ", ".join(returned_types))]
    check += ["  " + line for line in lines]
    check.append("  return %s : %s" % (", ".join(returned), ", ".join(returned_types)))
    check.append("}")

    handle, path = tempfile.mkstemp(suffix=".mlir", dir=options.tmp)
    with os.fdopen(handle, "w") as stream:
        stream.write("\n".join(check) + "\n")
    command = [options.run, path, "--entry=check"]
    for arg_type, values in zip(gradient.arg_types, arguments):
        command.append("--arg=" + literal(values, arg_type))
    output = [line for line in run(command).splitlines() if "dense<" in line]
    os.remove(path)
    if len(output) != len(returned_types):
        sys.stderr.write("expected %d results from @check, got %d\n"
                         % (len(returned_types), len(output)))
        return 2
    types = [TensorType(t) for t in returned_types]
    values = [parse_result(line, t) for line, t in zip(output, types)]

    failed = False
    position = len(primal.result_types)
    cursor = len(gradient.result_types)
    for i in wrt:
        grad = values[position]
        position += 1
        fd = []
        for j in range(primal.arg_types[i].size):
            total = 0.0
            plus = values[cursor:cursor + len(of)]
            minus = values[cursor + len(of):cursor + 2 * len(of)]
            cursor += 2 * len(of)
            for n, k in enumerate(of):
                u = cotangents[k]
                total += sum(uk * (p - m) for uk, p, m in zip(u, plus[n], minus[n]))
            fd.append(total / (2 * h))
        scale = max([abs(v) for v in grad + fd] + [1e-3])
        error = max([abs(g - f) for g, f in zip(grad, fd)] + [0.0]) / scale
        finite = all(math.isfinite(v) for v in grad + fd)
        ok = finite and error <= options.tolerance
        failed |= not ok
        print("@%s wrt #%d: %s (error %.2e, tolerance %.0e, %d elements)"
              % (options.function, i, "ok" if ok else "FAILED", error,
                 options.tolerance, len(grad)))
        if not ok:
            print("  gradient:    %s" % grad)
            print("  differences: %s" % fd)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
