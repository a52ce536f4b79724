"""adjit.jit.grad, value_and_grad and vjp from Python: JAX's transforms,
compiled; checked against finite differences, eager autograd and (when
installed) torch.autograd.grad, including second derivatives."""

import gc
import weakref

import numpy as np
import pytest

import adjit
from adjit import jit


def f64(a):
    return adjit.from_numpy(np.array(a, dtype=np.float64))


def loss(x, w):
    return ((x @ w).tanh() * x.sum(1, keepdim=True)).sum() + (w * w).exp().sum() * 0.1


def make_inputs(seed=0):
    rng = np.random.default_rng(seed)
    return f64(rng.standard_normal((4, 3))), f64(rng.standard_normal((3, 2)) * 0.5)


def finite_difference(fn, args, argnum, eps=1e-6):
    """The central difference of fn (one-element result) w.r.t. args[argnum]."""
    base = [a.numpy().copy() for a in args]
    out = np.zeros_like(base[argnum])
    for index in np.ndindex(out.shape):
        values = []
        for sign in (1.0, -1.0):
            shifted = [b.copy() for b in base]
            shifted[argnum][index] += sign * eps
            values.append(fn(*[f64(s) for s in shifted]).item())
        out[index] = (values[0] - values[1]) / (2 * eps)
    return out


def test_grad_matches_finite_differences_and_eager_autograd():
    x, w = make_inputs()
    gx, gw = jit.grad(loss, argnums=(0, 1))(x, w)
    assert gx.shape == (4, 3) and gw.shape == (3, 2) and gx.grad_fn is None
    assert np.allclose(gx.numpy(), finite_difference(loss, (x, w), 0), rtol=1e-6, atol=1e-8)
    assert np.allclose(gw.numpy(), finite_difference(loss, (x, w), 1), rtol=1e-6, atol=1e-8)
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()
    ex, ew = adjit.autograd.grad(loss(xr, wr), [xr, wr])
    assert np.allclose(gx.numpy(), ex.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(gw.numpy(), ew.numpy(), rtol=0, atol=1e-12)
    single = jit.grad(loss, argnums=1)
    assert np.allclose(single(x, w).numpy(), gw.numpy(), rtol=0, atol=1e-12)
    assert jit.grad(loss)(x, w).shape == (4, 3)  # argnums=0
    # Negative argnums count from the end, as JAX's.
    last, first = jit.grad(loss, argnums=(-1, -2))(x, w)
    assert np.allclose(last.numpy(), gw.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(first.numpy(), gx.numpy(), rtol=0, atol=1e-12)
    with pytest.raises(adjit.Error, match=r"argnum -1 \(input 1\) is listed twice"):
        jit.grad(loss, argnums=(1, -1))(x, w)
    with pytest.raises(adjit.Error, match="argnum -3 is out of range"):
        jit.grad(loss, argnums=-3)(x, w)
    assert xr.grad is None and wr.grad is None  # .grad is not touched
    single(x, w)
    assert single.stats["compilations"] == 1 and single.stats["cache_hits"] == 1
    assert "loss" == single.__name__ and "func.func" in single.ir()


def test_grad_of_grad_is_the_second_derivative():
    x = f64([0.3, -1.2, 2.0])

    def f(x):
        return (x.sin() * x * x).sum()

    def first(x):
        return jit.grad(f)(x).sum()

    second = jit.grad(first)(x)  # the Hessian's row sums
    xs = x.numpy()
    d2 = -np.sin(xs) * xs ** 2 + 4 * xs * np.cos(xs) + 2 * np.sin(xs)
    assert np.allclose(second.numpy(), d2, rtol=1e-12, atol=1e-12)
    assert np.allclose(second.numpy(), finite_difference(first, (x,), 0), rtol=1e-6, atol=1e-7)
    third = jit.grad(lambda x: jit.grad(first)(x).sum())(x)
    d3 = (-np.cos(xs) * xs ** 2 - 2 * xs * np.sin(xs) + 4 * np.cos(xs)
          - 4 * xs * np.sin(xs) + 2 * np.cos(xs))
    assert np.allclose(third.numpy(), d3, rtol=1e-10, atol=1e-10)


def test_against_torch_autograd():
    torch = pytest.importorskip("torch")
    x, w = make_inputs(1)
    tx = torch.from_numpy(x.numpy().copy()).requires_grad_()
    tw = torch.from_numpy(w.numpy().copy()).requires_grad_()
    tloss = ((tx @ tw).tanh() * tx.sum(1, keepdim=True)).sum() + (tw * tw).exp().sum() * 0.1
    tgx, tgw = torch.autograd.grad(tloss, [tx, tw], create_graph=True)
    gx, gw = jit.grad(loss, argnums=(0, 1))(x, w)
    assert np.allclose(gx.numpy(), tgx.detach().numpy(), rtol=0, atol=1e-10)
    assert np.allclose(gw.numpy(), tgw.detach().numpy(), rtol=0, atol=1e-10)
    # Second order: d/dw of sum(dL/dx * v).
    v = np.linspace(-1, 1, 12).reshape(4, 3)
    (thv,) = torch.autograd.grad((tgx * torch.from_numpy(v)).sum(), [tw])
    av = f64(v)
    hv = jit.grad(lambda x, w: (jit.grad(loss)(x, w) * av).sum(), argnums=1)(x, w)
    assert np.allclose(hv.numpy(), thv.numpy(), rtol=0, atol=1e-10)
    # vjp of a function with two outputs.
    ct = (f64(np.ones((4, 2))), f64(np.arange(3.0)))
    (tout_a, tout_b) = ((tx @ tw).sin(), (tx * tx).sum(0))
    tvx, tvw = torch.autograd.grad([tout_a, tout_b], [tx, tw],
                                   [torch.from_numpy(c.numpy()) for c in ct])
    (out_a, out_b), vjp_fn = jit.vjp(lambda x, w: ((x @ w).sin(), (x * x).sum(0)), x, w)
    assert np.allclose(out_a.numpy(), tout_a.detach().numpy(), rtol=0, atol=1e-12)
    vx, vw = vjp_fn(ct)
    assert np.allclose(vx.numpy(), tvx.numpy(), rtol=0, atol=1e-10)
    assert np.allclose(vw.numpy(), tvw.numpy(), rtol=0, atol=1e-10)


def test_vjp_and_value_and_grad():
    x, w = make_inputs(2)

    def two(x, w):
        y = x @ w
        return y.tanh(), [y.sum() * 2]

    (a, [b]), vjp_fn = jit.vjp(two, x, w)
    assert a.shape == (4, 2) and b.shape == () and a.grad_fn is None
    ca, cb = f64(np.full((4, 2), 0.5)), f64(3.0)
    vx, vw = vjp_fn((ca, [cb]))
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()
    ra, (rb,) = two(xr, wr)
    ex, ew = adjit.autograd.grad([ra, rb], [xr, wr], [ca, cb])
    assert np.allclose(vx.numpy(), ex.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(vw.numpy(), ew.numpy(), rtol=0, atol=1e-12)
    # The pullback of the first call still holds after another call.
    x2, w2 = make_inputs(3)
    jit.vjp(two, x2, w2)
    again = vjp_fn((ca, [cb]))
    assert np.allclose(again[0].numpy(), vx.numpy(), rtol=0, atol=1e-12)

    value, (gx, gw) = jit.value_and_grad(loss, argnums=(0, 1))(x, w)
    assert abs(value.item() - loss(x, w).item()) < 1e-12
    rgx, rgw = jit.grad(loss, argnums=(0, 1))(x, w)
    assert np.allclose(gx.numpy(), rgx.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(gw.numpy(), rgw.numpy(), rtol=0, atol=1e-12)
    value, gw_only = jit.value_and_grad(loss, argnums=-1)(x, w)
    assert np.allclose(gw_only.numpy(), rgw.numpy(), rtol=0, atol=1e-12)


def test_vjp_keeps_its_compilation_per_function_while_it_lives():
    x, _ = make_inputs()

    def f(x):
        return x.exp().sum()

    for _ in range(3):
        value, vjp_fn = jit.vjp(f, x)
    assert jit._vjps[f].compiled.stats()["compilations"] == 1
    assert np.allclose(vjp_fn(adjit.ones_like(value))[0].numpy(), x.exp().numpy())
    alive = weakref.ref(f)
    del f
    gc.collect()
    assert alive() is not None  # the last pullback keeps it
    del vjp_fn
    gc.collect()
    assert alive() is None


def test_has_aux():
    x, w = make_inputs(5)

    def with_aux(x, w):
        y = x @ w
        return loss(x, w), (y, [y.sum(0)])

    (value, (y, [s])), (gx, gw) = jit.value_and_grad(with_aux, argnums=(0, 1), has_aux=True)(x, w)
    assert abs(value.item() - loss(x, w).item()) < 1e-12
    assert np.allclose(y.numpy(), (x @ w).numpy()) and np.allclose(s.numpy(), (x @ w).sum(0).numpy())
    rgx, rgw = jit.grad(loss, argnums=(0, 1))(x, w)
    assert np.allclose(gx.numpy(), rgx.numpy(), rtol=0, atol=1e-12)  # aux not differentiated
    assert np.allclose(gw.numpy(), rgw.numpy(), rtol=0, atol=1e-12)
    g, (y2, _) = jit.grad(with_aux, argnums=1, has_aux=True)(x, w)
    assert np.allclose(g.numpy(), rgw.numpy(), rtol=0, atol=1e-12)
    assert np.allclose(y2.numpy(), y.numpy())
    with pytest.raises(adjit.Error, match="pair"):
        jit.grad(loss, has_aux=True)(x, w)
    with pytest.raises(adjit.Error, match="as its value"):
        jit.grad(lambda x: (x, x), has_aux=True)(x)


def test_grad_inside_a_compiled_function():
    x, w = make_inputs(4)

    @jit.compile
    def step(x, w):
        return w - 0.1 * jit.grad(loss, argnums=1)(x, w), loss(x, w)

    new_w, value = step(x, w)
    expected = w - 0.1 * jit.grad(loss, argnums=1)(x, w)
    assert np.allclose(new_w.numpy(), expected.numpy(), rtol=0, atol=1e-12)
    assert abs(value.item() - loss(x, w).item()) < 1e-12


def test_transform_errors_carry_the_cpp_message():
    x, w = make_inputs()
    with pytest.raises(adjit.Error, match=r"one element.*\[4, 2\]"):
        jit.grad(lambda x, w: x @ w)(x, w)
    with pytest.raises(adjit.Error, match="argnum 5 is out of range"):
        jit.grad(loss, argnums=5)(x, w)
    with pytest.raises(adjit.Error, match=r"int64 tensor of shape \[3\]"):
        jit.grad(lambda i: i.sum(), argnums=0)(adjit.arange(3))  # an integer input
    with pytest.raises(TypeError, match="argnums"):
        jit.grad(loss, argnums="x")
    with pytest.raises(adjit.Error, match="one element"):
        jit.value_and_grad(lambda x: x * 2)(x)
    with pytest.raises(adjit.Error, match="out of range"):
        jit.value_and_grad(loss, argnums=2)(x, w)
    _, vjp_fn = jit.vjp(lambda x: (x, x * 2), x)
    with pytest.raises(adjit.Error, match="structure of the outputs"):
        vjp_fn(x)
    with pytest.raises(adjit.Error, match="got int"):
        jit.vjp(lambda x: 3, x)
    with pytest.raises(TypeError):
        jit.grad(loss)(x, 1.0)
