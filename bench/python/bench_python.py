"""Benchmarks of the Python package (figures to read, never a test).

1. Per-op overhead: a small op called from Python, adjit vs PyTorch in the
   same interpreter (both dispatch from Python into C++ and allocate the
   result).
2. One linear-regression training step (loss, gradients, SGD update) from
   Python: adjit eager, adjit compiled (jit.compile + optimizer.step), adjit
   fused (jit.TrainStep), and PyTorch eager.
3. The same for an LSTM sequence model (nn.LSTM, a linear head on the last
   step's output, MSE loss, SGD): the eager loop runs the scan step by step,
   the compiled ones one adjit.scan.

Run: PYTHONPATH=build/python python3 bench/python/bench_python.py
PyTorch columns appear when torch is importable.
"""

import timeit

import adjit
import adjit.nn.functional as AF

try:
    import torch
    import torch.nn.functional as TF

    torch.set_num_threads(2)
except ImportError:  # optional
    torch = None


def best_us(fn, number):
    """The best of 5 repeats, in microseconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def row(name, ours, theirs):
    if theirs is None:
        print("%-44s %10.2f %10s %8s" % (name, ours, "-", "-"))
    else:
        print("%-44s %10.2f %10.2f %8.2f" % (name, ours, theirs, ours / theirs))


def per_op_overhead():
    print("%-44s %10s %10s %8s" % ("per-op (us per call)", "adjit", "torch", "ratio"))
    for shape in ((1,), (64,)):
        a, b = adjit.rand(*shape), adjit.rand(*shape)
        ours = best_us(lambda: a + b, 20000)
        theirs = None
        if torch is not None:
            ta, tb = torch.rand(*shape), torch.rand(*shape)
            theirs = best_us(lambda: ta + tb, 20000)
        row("a + b, float32 %s" % (list(shape),), ours, theirs)
        ours = best_us(lambda: a.exp(), 20000)
        theirs = best_us(lambda: ta.exp(), 20000) if torch is not None else None
        row("a.exp(), float32 %s" % (list(shape),), ours, theirs)
        ours = best_us(lambda: a * 2.0, 20000)
        theirs = best_us(lambda: ta * 2.0, 20000) if torch is not None else None
        row("a * 2.0 (scalar), float32 %s" % (list(shape),), ours, theirs)
    w = adjit.rand(64, requires_grad=True)
    ours = best_us(lambda: (w * w).sum().backward(), 5000)
    theirs = None
    if torch is not None:
        tw = torch.rand(64, requires_grad=True)
        theirs = best_us(lambda: (tw * tw).sum().backward(), 5000)
    row("(w * w).sum().backward(), [64]", ours, theirs)


def adjit_steps(loss_of, optimizer, inputs, number):
    """The times of one training step of ``loss_of`` with SGD (its learning
    rate from ``optimizer``): eager, compiled loss + optimizer.step, and
    fused (jit.TrainStep), each compiled outside the timing."""
    lr = optimizer.param_groups[0]["lr"]

    def eager():
        optimizer.zero_grad()
        loss_of(*inputs).backward()
        optimizer.step()

    compiled_loss = adjit.jit.compile(loss_of)

    def compiled():
        optimizer.zero_grad()
        compiled_loss(*inputs)
        optimizer.step()

    fused_step = adjit.jit.TrainStep(loss_of, adjit.optim.SGDOptions(lr=lr))

    def fused():
        fused_step(*inputs)

    # The timed calls run the optimized (-O3) code: the calls before the
    # tier-up threshold run the fast tier's, while the -O3 compile runs on
    # the other core.
    warm_up_to_optimized_tier(compiled, compiled_loss)
    warm_up_to_optimized_tier(fused, fused_step)
    return {"eager": best_us(eager, number), "compiled": best_us(compiled, number),
            "fused": best_us(fused, number)}


def warm_up_to_optimized_tier(call, compiled):
    """Calls ``call`` (a call of ``compiled``, a jit.compile function or a
    jit.TrainStep) until its optimized compile is queued, then waits for it."""
    for _ in range(1000):
        call()
        stats = compiled.stats
        if stats["tier_ups_scheduled"] > 0 or stats["last_tier"] == "optimized":
            break
    adjit.jit.wait_for_tier_ups()


def training_rows(name, results, theirs):
    row(name + " eager", results["eager"], theirs)
    row(name + " jit.compile + SGD", results["compiled"], theirs)
    row(name + " jit.TrainStep", results["fused"], theirs)


def linear_regression(n, features):
    adjit.manual_seed(0)
    x = adjit.rand(n, features)
    y = x.sum(1, keepdim=True) * 3.0 + 2.0
    w = adjit.zeros(features, 1, requires_grad=True)
    b = adjit.zeros(1, requires_grad=True)
    optimizer = adjit.optim.SGD([w, b], lr=0.01)

    def loss_of(x, y):
        return AF.mse_loss(x @ w + b, y)

    number = 2000 if n * features <= 4096 else 200
    results = adjit_steps(loss_of, optimizer, (x, y), number)
    theirs = None
    if torch is not None:
        torch.manual_seed(0)
        tx = torch.rand(n, features)
        ty = tx.sum(1, keepdim=True) * 3.0 + 2.0
        tw = torch.zeros(features, 1, requires_grad=True)
        tb = torch.zeros(1, requires_grad=True)
        topt = torch.optim.SGD([tw, tb], lr=0.01)

        def torch_eager():
            topt.zero_grad()
            TF.mse_loss(tx @ tw + tb, ty).backward()
            topt.step()

        theirs = best_us(torch_eager, number)
    name = "linear regression [%d x %d]" % (n, features)
    training_rows(name, results, theirs)


def lstm_training(time, batch, features, hidden, layers):
    adjit.manual_seed(0)
    x = adjit.randn(batch, time, features)
    y = adjit.randn(batch, 1)
    lstm = adjit.nn.LSTM(features, hidden, num_layers=layers, batch_first=True)
    head = adjit.nn.Linear(hidden, 1)
    params = list(lstm.parameters()) + list(head.parameters())
    optimizer = adjit.optim.SGD(params, lr=0.01)

    def loss_of(x, y):
        out, _ = lstm(x)
        return AF.mse_loss(head(out[:, -1]), y)

    number = 20
    results = adjit_steps(loss_of, optimizer, (x, y), number)
    theirs = None
    if torch is not None:
        torch.manual_seed(0)
        tx, ty = torch.randn(batch, time, features), torch.randn(batch, 1)
        tlstm = torch.nn.LSTM(features, hidden, num_layers=layers, batch_first=True)
        thead = torch.nn.Linear(hidden, 1)
        topt = torch.optim.SGD(list(tlstm.parameters()) + list(thead.parameters()), lr=0.01)

        def torch_eager():
            topt.zero_grad()
            out, _ = tlstm(tx)
            TF.mse_loss(thead(out[:, -1]), ty).backward()
            topt.step()

        theirs = best_us(torch_eager, number)
    name = "LSTM T=%d B=%d %d->%d x%d" % (time, batch, features, hidden, layers)
    training_rows(name, results, theirs)


def main():
    per_op_overhead()
    print()
    print("%-44s %10s %10s %8s" % ("training step (us), torch = eager",
                                   "adjit", "torch", "ratio"))
    linear_regression(100, 1)
    linear_regression(4096, 64)
    lstm_training(32, 16, 16, 64, 1)
    lstm_training(32, 16, 16, 64, 2)


if __name__ == "__main__":
    main()
