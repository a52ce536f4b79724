"""The ADBench LSTM objective in PyTorch (f64, 1 thread), the same model as
examples/adbench/LstmObjective.cpp, timed as bench/lstm/lstm_bench.cpp times
the eager adjit version (median thread CPU time).

Usage: lstm_torch.py SAMPLES FILE...
Prints, per file: "torch FILE LOSS OBJECTIVE_SECONDS GRADIENT_SECONDS", or one
line "torch unavailable: REASON" if PyTorch cannot be imported.
"""

import sys
import time

try:
    import torch
except ImportError as error:  # PyTorch is optional.
    print("torch unavailable: %s" % error)
    sys.exit(0)


def read_instance(path):
    with open(path) as f:
        numbers = f.read().split()
    layers, chars, bits = (int(n) for n in numbers[:3])
    values = [float(n) for n in numbers[3:]]

    def take(rows, cols):
        nonlocal values
        block = values[: rows * cols]
        if len(block) != rows * cols:
            raise ValueError("%s: too few numbers" % path)
        values = values[rows * cols :]
        return torch.tensor(block, dtype=torch.float64).reshape(rows, cols)

    main = take(2 * layers, 4 * bits)
    extra = take(3, bits)
    state = take(2 * layers, bits)
    sequence = take(chars, bits)
    return main, extra, state, sequence


def cell(weight, bias, hidden, cell_state, x):
    b = hidden.shape[0]
    gates = torch.cat((x, hidden, x, hidden)) * weight + bias
    forget = torch.sigmoid(gates[0:b])
    ingate = torch.sigmoid(gates[b : 2 * b])
    outgate = torch.sigmoid(gates[2 * b : 3 * b])
    change = torch.tanh(gates[3 * b : 4 * b])
    cell_state = cell_state * forget + ingate * change
    return outgate * torch.tanh(cell_state), cell_state


def objective(main, extra, state, sequence):
    layers = main.shape[0] // 2
    chars, bits = sequence.shape
    hidden = [state[2 * i] for i in range(layers)]
    cells = [state[2 * i + 1] for i in range(layers)]
    total = None
    for t in range(chars - 1):
        x = sequence[t] * extra[0]
        for i in range(layers):
            hidden[i], cells[i] = cell(main[2 * i], main[2 * i + 1], hidden[i], cells[i], x)
            x = hidden[i]
        ypred = x * extra[1] + extra[2]
        ynorm = ypred - torch.log(torch.exp(ypred).sum() + 2.0)
        step = (sequence[t + 1] * ynorm).sum()
        total = step if total is None else total + step
    return -total / ((chars - 1) * bits)


def median_seconds(run, samples):
    run()
    times = []
    for _ in range(samples):
        start = time.thread_time()
        run()
        times.append(time.thread_time() - start)
    times.sort()
    return times[len(times) // 2]


def main():
    torch.set_num_threads(1)
    samples = int(sys.argv[1])
    for path in sys.argv[2:]:
        main_params, extra, state, sequence = read_instance(path)
        main_params.requires_grad_()
        extra.requires_grad_()

        def run_objective():
            with torch.no_grad():
                return objective(main_params, extra, state, sequence)

        def run_gradient():
            main_params.grad = None
            extra.grad = None
            objective(main_params, extra, state, sequence).backward()

        loss = run_objective().item()
        t_objective = median_seconds(run_objective, samples)
        t_gradient = median_seconds(run_gradient, samples)
        print("torch %s %.17g %.6e %.6e" % (path, loss, t_objective, t_gradient))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
