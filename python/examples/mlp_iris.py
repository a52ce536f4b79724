"""An MLP classifier on Fisher's Iris data in Python: Linear(4, 16) - ReLU -
Linear(16, 3) with cross entropy and Adam on 120 flowers, tested on the other
30; eagerly, or with the loss, gradients and Adam update compiled into one
adjit.jit.TrainStep (--fused).

Run from the repository root with PYTHONPATH=build/python.
"""

import csv
import os
import sys

import adjit
from adjit import nn
import adjit.nn.functional as F

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "..", "..", "examples", "data", "iris.csv")
SPECIES = ["setosa", "versicolor", "virginica"]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    features = [[float(r[k]) for k in ("sepal_length", "sepal_width",
                                        "petal_length", "petal_width")] for r in rows]
    labels = [SPECIES.index(r["species"]) for r in rows]
    return adjit.tensor(features), adjit.tensor(labels)


def main(fused=False, path=DATA, epochs=50):
    features, labels = load(path)
    adjit.manual_seed(0)
    perm = adjit.randperm(len(labels)).tolist()
    x = adjit.stack([features[i] for i in perm])
    y = adjit.stack([labels[i] for i in perm])
    x_train, x_test = x[:120], x[120:]
    y_train, y_test = y[:120], y[120:]
    mu = x_train.mean(0, keepdim=True)
    sigma = ((x_train - mu) ** 2).mean(0, keepdim=True).sqrt()
    x_train, x_test = (x_train - mu) / sigma, (x_test - mu) / sigma

    model = MLP()
    optimizer = adjit.optim.Adam(model.parameters(), lr=0.05)

    def loss_of(x, y):
        return F.cross_entropy(model(x), y)

    step = adjit.jit.TrainStep(loss_of, optimizer) if fused else None
    for epoch in range(1, epochs + 1):
        if fused:
            loss = step(x_train, y_train)
        else:
            optimizer.zero_grad()
            loss = loss_of(x_train, y_train)
            loss.backward()
            optimizer.step()
        if epoch == 1 or epoch % 10 == 0:
            print("epoch %2d  loss %.4f" % (epoch, loss.item()))

    with adjit.no_grad():
        predicted = model(x_test).argmax(1)
        accuracy = (predicted == y_test).float().mean().item() * 100
    print("test accuracy %.1f%%" % accuracy)
    if fused:
        print("compiled %d time(s)" % step.stats["compilations"])
    return accuracy


if __name__ == "__main__":
    main(fused="--fused" in sys.argv)
