"""Autograd from Python: requires_grad, backward, grad, no_grad, autograd.grad."""

import pytest

import adjit


def test_backward_accumulates_into_grad():
    x = adjit.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    assert y.grad_fn is not None and y.grad_fn.name() == "SumBackward0"
    assert "SumBackward0" in repr(y.grad_fn)
    assert x.is_leaf and not y.is_leaf
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0, 9.0]
    x.grad = None
    assert x.grad is None


def test_requires_grad_flags_and_detach():
    a = adjit.ones(2)
    assert not a.requires_grad and a.grad_fn is None
    assert a.requires_grad_() is a
    assert a.requires_grad
    c = a * 2
    assert c.detach_() is c and c.is_leaf
    b = (a * 2).detach()
    assert not b.requires_grad and b.is_leaf
    a.requires_grad = False
    assert not a.requires_grad


def test_backward_with_gradient_and_retain_graph():
    x = adjit.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.backward(adjit.tensor([1.0, 0.5]), retain_graph=True)
    assert x.grad.tolist() == [2.0, 2.0]
    y.backward(adjit.tensor([1.0, 1.0]))
    assert x.grad.tolist() == [4.0, 6.0]


def test_no_grad_and_set_grad_enabled():
    x = adjit.ones(2, requires_grad=True)
    with adjit.no_grad():
        assert not adjit.is_grad_enabled()
        y = x * 2
        with adjit.enable_grad():
            assert (x * 2).requires_grad
    assert adjit.is_grad_enabled()
    assert not y.requires_grad

    @adjit.no_grad()
    def doubled(t):
        return t * 2

    assert not doubled(x).requires_grad
    with adjit.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert adjit.is_grad_enabled()


def test_in_place_sgd_update_under_no_grad():
    w = adjit.tensor([1.0], requires_grad=True)
    (w * 4).sum().backward()
    with adjit.no_grad():
        w -= 0.5 * w.grad
    assert w.tolist() == [-1.0] and w.requires_grad and w.is_leaf


def test_autograd_grad_and_higher_order():
    x = adjit.tensor([2.0], dtype=adjit.float64, requires_grad=True)
    y = (x ** 3).sum()
    (g,) = adjit.autograd.grad(y, x, create_graph=True)
    assert g.tolist() == [12.0]
    assert x.grad is None
    (h,) = adjit.autograd.grad(g.sum(), [x])
    assert h.tolist() == [12.0]
    z = adjit.tensor([1.0], requires_grad=True)
    gx, gz = adjit.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gx.tolist() == [2.0] and gz is None


def test_gradcheck_of_a_python_function():
    x = adjit.rand(3, dtype=adjit.float64, requires_grad=True)
    w = adjit.rand(3, dtype=adjit.float64, requires_grad=True)
    assert adjit.autograd.gradcheck(lambda a, b: (a.tanh() * b).sum(), [x, w])


def test_retain_grad_of_a_non_leaf():
    x = adjit.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    h.sum().backward()
    assert h.grad.tolist() == [1.0, 1.0]


def test_autograd_errors():
    with pytest.raises(adjit.Error):
        adjit.ones(2, requires_grad=True).backward()  # not a scalar
    x = adjit.ones(1, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(adjit.Error):
        y.backward()  # the graph was freed
    with pytest.raises(adjit.Error):
        x += 1  # an in-place op on a leaf that requires grad
