"""adjit.jit.scan from Python: JAX's lax.scan semantics, eagerly a loop with
autograd, compiled one adjit.scan whose size does not grow with the length."""

import numpy as np
import pytest

import adjit
from adjit import jit


def f64(a):
    return adjit.from_numpy(np.asarray(a, dtype=np.float64))


def make_data(steps=6, seed=0):
    rng = np.random.default_rng(seed)
    w = f64(rng.standard_normal((3, 3)) * 0.5).requires_grad_()
    h0 = f64(rng.standard_normal(3)).requires_grad_()
    xs = f64(rng.standard_normal((steps, 3))).requires_grad_()
    ws = f64(rng.standard_normal((steps, 2))).requires_grad_()
    return w, h0, xs, ws


def rnn_step(w):
    """A step with a tuple carry (h, total), a tuple of scanned tensors and a
    tuple of outputs (one of them None)."""

    def step(carry, x):
        h, total = carry
        xt, wt = x
        h = (h @ w + xt).tanh() * wt.sum()
        return (h, total + h.sum()), (h, None, h.sum() * wt[0])

    return step


def loop(step, init, xs, reverse=False):
    """The scan as a Python loop: the reference."""
    carry, outs = init, []
    n = xs[0].shape[0]
    order = range(n - 1, -1, -1) if reverse else range(n)
    ys = {}
    for i in order:
        carry, ys[i] = step(carry, tuple(x[i] for x in xs))
    outs = [ys[i] for i in range(n)]
    return carry, (adjit.stack([o[0] for o in outs]), None, adjit.stack([o[2] for o in outs]))


def loss_of(carry, ys):
    return carry[0].sum() * 0.5 + carry[1] + (ys[0] * ys[0]).sum() + ys[2].sum()


@pytest.mark.parametrize("reverse", [False, True])
def test_eager_scan_is_the_loop_with_its_gradients(reverse):
    w, h0, xs, ws = make_data()
    init = (h0, adjit.zeros((), dtype=adjit.float64))
    carry, ys = jit.scan(rnn_step(w), init, (xs, ws), reverse=reverse)
    assert isinstance(carry, tuple) and isinstance(ys, tuple) and ys[1] is None
    assert ys[0].shape == (6, 3) and ys[2].shape == (6,)
    loss_of(carry, ys).backward()
    got = [t.grad.clone() for t in (w, h0, xs, ws)]
    for t in (w, h0, xs, ws):
        t.grad = None
    ref_carry, ref_ys = loop(rnn_step(w), init, (xs, ws), reverse)
    for a, b in zip(carry + (ys[0], ys[2]), ref_carry + (ref_ys[0], ref_ys[2])):
        assert np.allclose(a.detach().numpy(), b.detach().numpy(), rtol=0, atol=1e-12)
    loss_of(ref_carry, ref_ys).backward()
    for g, t in zip(got, (w, h0, xs, ws)):
        assert np.allclose(g.numpy(), t.grad.numpy(), rtol=0, atol=1e-12)


def test_scan_gradcheck():
    w, h0, xs, ws = make_data(steps=4)

    def f(w, h0, xs, ws):
        init = (h0, adjit.zeros((), dtype=adjit.float64))
        return loss_of(*jit.scan(rnn_step(w), init, [xs, ws]))

    assert adjit.autograd.gradcheck(f, (w, h0, xs, ws))

    def reversed_f(w, h0, xs, ws):
        init = (h0, adjit.zeros((), dtype=adjit.float64))
        return loss_of(*jit.scan(rnn_step(w), init, [xs, ws], reverse=True))

    assert adjit.autograd.gradcheck(reversed_f, (w, h0, xs, ws))


def test_length_without_xs_and_single_tensors():
    carry, ys = jit.scan(lambda c, _: (c * 2, c), adjit.ones(2), None, length=4)
    assert carry.tolist() == [16.0, 16.0]
    assert ys.tolist() == [[1.0, 1.0], [2.0, 2.0], [4.0, 4.0], [8.0, 8.0]]
    carry, ys = jit.scan(lambda c, x: (c + x, None), adjit.zeros(()), adjit.arange(5.0),
                         reverse=True)
    assert carry.item() == 10.0 and ys is None
    carry, ys = jit.scan(lambda c, x: (c + x, c), adjit.zeros(()), adjit.arange(4.0), reverse=True)
    assert ys.tolist() == [6.0, 5.0, 3.0, 0.0]  # ys[i] is the step on xs[i]
    carry, ys = jit.scan(lambda c, x: (c + x, c), adjit.zeros(()), adjit.zeros(0))
    assert carry.item() == 0.0 and ys.shape == (0,)


def compiled_loss(w):
    @jit.compile
    def f(h0, xs, ws):
        init = (h0, adjit.zeros((), dtype=adjit.float64))
        return loss_of(*jit.scan(rnn_step(w), init, (xs, ws)))

    return f


@pytest.mark.parametrize("reverse", [False, True])
def test_compiled_scan_is_one_op_and_matches_eager(reverse):
    w, h0, xs, ws = make_data(steps=6)

    def f(h0, xs, ws):
        init = (h0, adjit.zeros((), dtype=adjit.float64))
        return loss_of(*jit.scan(rnn_step(w), init, (xs, ws), reverse=reverse))

    eager = f(h0, xs, ws)
    eager.backward()
    expected = [t.grad.clone() for t in (w, h0, xs, ws)]
    for t in (w, h0, xs, ws):
        t.grad = None
    compiled = jit.compile(f)
    loss = compiled(h0, xs, ws)
    assert abs(loss.item() - eager.item()) < 1e-12
    for e, t in zip(expected, (w, h0, xs, ws)):
        assert np.allclose(e.numpy(), t.grad.numpy(), rtol=0, atol=1e-12)

    traced = jit.trace(f, h0, xs, ws)
    assert traced.count("adjit.scan") == 1
    ir_short = compiled.ir()
    w2, h2, xs2, ws2 = make_data(steps=60)
    compiled(h2, xs2, ws2)
    assert compiled.stats["compilations"] == 2
    ir_long = compiled.ir()
    assert len(ir_long.splitlines()) == len(ir_short.splitlines())
    assert len(jit.trace(f, h2, xs2, ws2).splitlines()) == len(traced.splitlines())


def test_scan_in_a_train_step_and_a_transform():
    w, h0, xs, ws = make_data(steps=5)
    w_start = w.detach().clone()

    def f(h0, xs, ws):
        init = (h0, adjit.zeros((), dtype=adjit.float64))
        return loss_of(*jit.scan(rnn_step(w), init, (xs, ws)))

    f(h0, xs, ws).backward()
    expected_w = w.grad.clone()
    expected_xs = xs.grad.clone()
    grad_xs = jit.grad(f, argnums=1)(h0, xs, ws)
    assert np.allclose(grad_xs.numpy(), expected_xs.numpy(), rtol=0, atol=1e-12)
    h0.requires_grad_(False), xs.requires_grad_(False), ws.requires_grad_(False)
    step = jit.TrainStep(f, adjit.optim.SGDOptions(0.1))
    step(h0, xs, ws)
    assert np.allclose(w.detach().numpy(), (w_start - 0.1 * expected_w).numpy(), rtol=0, atol=1e-12)
    assert step.ir().count("adjit.scan") >= 1


def test_scan_errors_carry_the_cpp_message():
    xs = adjit.ones(4, 3)
    with pytest.raises(adjit.Error, match="structure of init"):
        jit.scan(lambda c, x: ((c, c), x), adjit.zeros(3), xs)
    with pytest.raises(adjit.Error, match=r"\[2\]"):  # the carry changed shape
        jit.scan(lambda c, x: (x[:2], x), adjit.zeros(3), xs)
    with pytest.raises(adjit.Error, match=r"\[4, 3\].*\[5, 3\]|\[5, 3\].*\[4, 3\]"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(3), (xs, adjit.ones(5, 3)))
    with pytest.raises(adjit.Error, match="length"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(3), None)
    with pytest.raises(adjit.Error, match="length"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(3), xs, length=5)
    with pytest.raises(adjit.Error, match="pair"):
        jit.scan(lambda c, x: c, adjit.zeros(3), xs)
    with pytest.raises(adjit.Error, match="got float"):
        jit.scan(lambda c, x: (c, 1.0), adjit.zeros(3), xs)
    with pytest.raises(adjit.Error, match="init must be"):
        jit.scan(lambda c, x: (c, x), 0.0, xs)
    with pytest.raises(ValueError, match="from Python"):
        jit.scan(lambda c, x: (_ for _ in ()).throw(ValueError("from Python")), adjit.zeros(3), xs)

    @jit.compile
    def compiled(c, xs):
        return jit.scan(lambda c, x: (c.sum(), x), c, xs)[0].sum()

    with pytest.raises(adjit.Error, match="scan"):
        compiled(adjit.zeros(3), xs)


def steps(n):
    return adjit.tensor(n, dtype=adjit.int64)


def run_time_loss(w, checkpoint, reverse):
    def f(h0, xs, ws, n):
        init = (h0, adjit.zeros((), dtype=adjit.float64))
        carry, ys = jit.scan(rnn_step(w), init, (xs, ws), length=n, reverse=reverse,
                             checkpoint=checkpoint)
        return loss_of(carry, ys) + (ys[0].sum(1) * adjit.arange(6.0, dtype=adjit.float64)).sum()

    return f


@pytest.mark.parametrize("checkpoint", ["store_all", 2, "every 6", "sqrt", "recompute_all"])
@pytest.mark.parametrize("reverse", [False, True])
def test_run_time_length_and_checkpoint_compile_once(checkpoint, reverse):
    w, h0, xs, ws = make_data(steps=6)
    f = run_time_loss(w, checkpoint, reverse)
    compiled = jit.compile(f)
    for n in (0, 1, 4, 6):
        for t in (w, h0, xs, ws):
            t.grad = None
        eager = f(h0, xs, ws, steps(n))
        eager.backward()
        expected = [t.grad.clone() if t.grad is not None else None for t in (w, h0, xs, ws)]
        for t in (w, h0, xs, ws):
            t.grad = None
        loss = compiled(h0, xs, ws, steps(n))
        assert abs(loss.item() - eager.item()) < 1e-12
        for e, t in zip(expected, (w, h0, xs, ws)):
            got = t.grad.numpy() if t.grad is not None else np.zeros(t.shape)
            want = e.numpy() if e is not None else np.zeros(t.shape)
            assert np.allclose(got, want, rtol=0, atol=1e-12)
        assert not xs.grad.numpy()[n:].any()  # rows from n on are not read
    assert compiled.stats["compilations"] == 1
    with pytest.raises(adjit.Error, match=r"n = 7 lies outside \[0, 6\]"):
        compiled(h0, xs, ws, steps(7))


def test_run_time_length_eagerly():
    carry, ys = jit.scan(lambda c, x: (c + x, c), adjit.zeros(()), adjit.arange(4.0),
                         length=steps(2))
    assert carry.item() == 1.0 and ys.tolist() == [0.0, 0.0, 0.0, 0.0]
    carry, ys = jit.scan(lambda c, x: (c * 10 + x, c), adjit.zeros(()),
                         adjit.arange(1.0, 5.0), length=steps(3), reverse=True)
    assert carry.item() == 321.0 and ys.tolist() == [32.0, 3.0, 0.0, 0.0]
    with pytest.raises(adjit.Error, match=r"n = -1 lies outside \[0, 4\]"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(()), adjit.ones(4), length=steps(-1))
    with pytest.raises(adjit.Error, match="0-d int64"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(()), adjit.ones(4), length=adjit.ones(()))
    with pytest.raises(adjit.Error, match="needs scanned tensors"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(()), None, length=steps(2))
    with pytest.raises(adjit.Error, match="every 5 does not fit the trip count 4"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(()), adjit.ones(4), checkpoint=5)
    with pytest.raises(adjit.Error, match="unknown checkpoint policy 'often'"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(()), adjit.ones(4), checkpoint="often")
    with pytest.raises(TypeError, match="checkpoint must be"):
        jit.scan(lambda c, x: (c, x), adjit.zeros(()), adjit.ones(4), checkpoint=1.5)
