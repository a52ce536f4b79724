"""The classic example in Python: fit y = 3x + 2 with SGD, eagerly and with
the loss and its gradients compiled by adjit.jit.compile.

Run from the repository root with PYTHONPATH=build/python.
"""

import time

import adjit
import adjit.nn.functional as F


def train(compiled, epochs=200):
    adjit.manual_seed(42)
    x = adjit.rand(100, 1) * 2.0 - 1.0
    y = x * 3.0 + 2.0 + adjit.randn(100, 1) * 0.1

    w = adjit.zeros(1, requires_grad=True)
    b = adjit.zeros(1, requires_grad=True)
    optimizer = adjit.optim.SGD([w, b], lr=0.1)

    def loss_of(x, y):
        return F.mse_loss(x * w + b, y)

    step = adjit.jit.compile(loss_of) if compiled else None
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()
        if compiled:
            loss = step(x, y)  # also accumulates into w.grad and b.grad
        else:
            loss = loss_of(x, y)
            loss.backward()
        optimizer.step()
        if epoch == 1 or epoch % 50 == 0:
            print("epoch %3d  loss %.6f" % (epoch, loss.item()))
    seconds = time.perf_counter() - start
    mode = "compiled" if compiled else "eager"
    print("%s: learned w = %.4f (true 3), b = %.4f (true 2), %.1f us per step"
          % (mode, w.item(), b.item(), seconds / epochs * 1e6))
    if compiled:
        print("compilations: %d" % step.stats["compilations"])
    return w.item(), b.item()


if __name__ == "__main__":
    train(compiled=False)
    train(compiled=True)
