"""adjit.jit from Python: compile, trace, TrainStep, the IR as text."""

import pytest

import adjit
import adjit.nn.functional as F


def make_problem():
    adjit.manual_seed(1)
    x = adjit.rand(16, 3)
    y = x @ adjit.tensor([[1.0], [-2.0], [0.5]]) + 0.25
    return x, y


def test_compiled_loss_matches_eager_gradients():
    x, y = make_problem()
    model = adjit.nn.Linear(3, 1)

    def loss_of(x, y):
        return F.mse_loss(model(x), y)

    eager = loss_of(x, y)
    eager.backward()
    expected = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()

    step = adjit.jit.compile(loss_of)
    loss = step(x, y)
    assert loss.item() == pytest.approx(eager.item(), rel=1e-5)
    assert loss.grad_fn is None
    for p, g in zip(model.parameters(), expected):
        assert adjit.allclose(p.grad, g, rtol=1e-4, atol=1e-6)
    assert step.stats["compilations"] == 1
    step(x, y)
    assert step.stats["compilations"] == 1 and step.stats["cache_hits"] == 1
    assert step.__name__ == "loss_of"


def test_decorator_and_recompilation_rules():
    scale = 2.0
    calls = []

    @adjit.jit.compile(name="scaled")
    def scaled(t):
        calls.append(1)
        return (t * scale).sum()

    assert scaled(adjit.ones(3)).item() == 6.0
    assert scaled(adjit.ones(3)).item() == 6.0
    assert scaled.stats["compilations"] == 1
    assert scaled(adjit.ones(4)).item() == 8.0  # a new shape
    assert scaled.stats["compilations"] == 2
    assert "changed shape" in scaled.stats["last_reason"]
    scale = 3.0  # a captured Python number: the replay sees it changed
    assert scaled(adjit.ones(4)).item() == 12.0
    assert scaled.stats["compilations"] == 3
    assert len(calls) >= 4  # Python runs on every call (traced or replayed)


def test_python_control_flow_is_traced_as_it_runs():
    flag = {"relu": True}

    @adjit.jit.compile
    def f(t):
        return (t.relu() if flag["relu"] else t.abs()).sum()

    t = adjit.tensor([-1.0, 2.0])
    assert f(t).item() == 2.0
    flag["relu"] = False
    assert f(t).item() == 3.0
    assert f.stats["compilations"] == 2


def test_reading_a_value_while_tracing_raises():
    @adjit.jit.compile
    def f(t):
        if t.sum().item() > 0:  # reads a tensor value on the host
            return t.sum()
        return -t.sum()

    with pytest.raises(adjit.Error, match="item"):
        f(adjit.ones(2))

    @adjit.jit.compile
    def g(t):
        return t * 2 if t.sum() > 0 else t  # bool() reads the value too

    with pytest.raises(adjit.Error):
        g(adjit.ones(2))


def test_errors_inside_the_function_propagate():
    @adjit.jit.compile
    def bad_shapes(a):
        return (a + adjit.ones(5)).sum()

    with pytest.raises(adjit.Error, match="add"):
        bad_shapes(adjit.ones(3))

    @adjit.jit.compile
    def not_a_tensor(a):
        return 1.0

    with pytest.raises(adjit.Error, match="jit.compile: the function's result must be a tensor"):
        not_a_tensor(adjit.ones(1))

    @adjit.jit.compile
    def raises(a):
        raise ValueError("from Python")

    with pytest.raises(ValueError, match="from Python"):
        raises(adjit.ones(1))
    with pytest.raises(TypeError):
        raises(1.0)


def test_ir_is_available_as_text():
    w = adjit.ones(3, requires_grad=True)

    @adjit.jit.compile
    def loss(x):
        return (x * w).tanh().sum()

    assert loss.ir() == ""
    loss(adjit.ones(3))
    differentiated = loss.ir()
    assert "func.func @loss(" in differentiated
    assert "func.func @loss_grad(" in differentiated
    assert "adjit.tanh" in differentiated
    lowered = loss.ir("lowered")
    assert "llvm.func @loss_grad" in lowered and "adjit." not in lowered
    traced = adjit.jit.trace(lambda x: (x * w).tanh().sum(), adjit.ones(3), name="f")
    assert "func.func @f(" in traced and "_grad" not in traced
    assert "llvm.func @f" in adjit.jit.lower(traced)
    with pytest.raises(adjit.Error, match="parse"):
        adjit.jit.lower("not mlir")
    with pytest.raises(ValueError):
        loss.ir("optimized")


def test_train_step_matches_eager_sgd():
    x, y = make_problem()
    adjit.manual_seed(3)
    a = adjit.nn.Linear(3, 1)
    b = adjit.nn.Linear(3, 1)
    b.load_state_dict(a.state_dict())
    opt = adjit.optim.SGD(a.parameters(), lr=0.1, momentum=0.5)
    step = adjit.jit.TrainStep(lambda x, y: F.mse_loss(b(x), y),
                               adjit.optim.SGDOptions(lr=0.1, momentum=0.5))
    for _ in range(5):
        opt.zero_grad()
        eager_loss = F.mse_loss(a(x), y)
        eager_loss.backward()
        opt.step()
        loss = step(x, y)
        assert loss.item() == pytest.approx(eager_loss.item(), rel=1e-4)
    assert adjit.allclose(a.weight, b.weight, rtol=1e-4, atol=1e-6)
    assert step.step_count == 5 and step.stats["compilations"] == 1
    step.lr = 0.01
    assert step.lr == 0.01
    assert "_grad" in step.ir()


def test_train_step_takes_an_optimizer_and_adam():
    x, y = make_problem()
    model = adjit.nn.Linear(3, 1)
    adam = adjit.optim.Adam(model.parameters(), lr=0.05)
    step = adjit.jit.TrainStep(lambda x, y: F.mse_loss(model(x), y), adam)
    first = step(x, y).item()
    for _ in range(30):
        last = step(x, y).item()
    assert last < first / 2
    with pytest.raises(TypeError):
        adjit.jit.TrainStep(lambda x: x.sum(), 0.1)
    nothing = adjit.jit.TrainStep(lambda x: x.sum(), adjit.optim.SGDOptions(lr=0.1))
    with pytest.raises(adjit.Error, match="nothing to train"):
        nothing(adjit.ones(2))


def test_compiled_functions_return_tuples():
    w = adjit.tensor([1.0, -2.0, 3.0], requires_grad=True)

    @adjit.jit.compile
    def several(x):
        y = x * w
        return y.sum(), (y.exp(), [x.relu()])

    x = adjit.tensor([0.5, 1.0, -1.0])
    s, (e, [r]) = several(x)
    assert s.item() == pytest.approx(-4.5)
    assert adjit.allclose(e, (x * w).exp().detach())
    assert r.tolist() == [0.5, 1.0, 0.0]
    assert s.grad_fn is None and not e.requires_grad and w.grad is None
    several(x)
    assert several.stats["compilations"] == 1 and several.stats["cache_hits"] == 1

    single = adjit.jit.compile(lambda x: (x * 2,))
    result = single(x)
    assert isinstance(result, tuple) and len(result) == 1
    assert result[0].tolist() == [1.0, 2.0, -2.0]
    pure = adjit.jit.compile(lambda x: [x + 1, x - 1], assume_pure=True)
    for _ in range(2):
        plus, minus = pure(x)
        assert plus.tolist() == [1.5, 2.0, 0.0] and minus.tolist() == [-0.5, 0.0, -2.0]
    assert "-> (tensor<3xf32>, tensor<3xf32>)" in adjit.jit.trace(lambda x: (x, x * 2), x)

    with pytest.raises(adjit.Error, match="at least one tensor"):
        adjit.jit.compile(lambda x: (None,))(x)
    with pytest.raises(adjit.Error, match="got str"):
        adjit.jit.compile(lambda x: (x, "a"))(x)


def test_the_result_structure_follows_the_input_signature():
    # assume_pure reuses compiled code without running the function: the
    # structure of each signature's result is remembered.
    f = adjit.jit.compile(lambda x: x * 2 if x.dim() == 1 else (x, x + 1), assume_pure=True)
    for _ in range(2):
        assert isinstance(f(adjit.ones(2)), adjit.Tensor)
        pair = f(adjit.ones(2, 2))
        assert isinstance(pair, tuple) and pair[1].tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert f.stats["compilations"] == 2
