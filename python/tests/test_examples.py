"""The examples in python/examples train to their known results."""

import importlib.util
import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("compiled", [False, True])
def test_linear_regression(compiled, capsys):
    w, b = load("linear_regression").train(compiled=compiled)
    assert w == pytest.approx(3.0, abs=0.05) and b == pytest.approx(2.0, abs=0.05)
    if compiled:
        assert "compilations: 1" in capsys.readouterr().out


@pytest.mark.parametrize("fused", [False, True])
def test_mlp_iris(fused, capsys):
    accuracy = load("mlp_iris").main(fused=fused)
    assert accuracy >= 90.0
    if fused:
        assert "compiled 1 time(s)" in capsys.readouterr().out
