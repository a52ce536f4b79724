"""adjit.nn.LSTM, GRU, LSTMCell and GRUCell: PyTorch's signatures, parameter
names and results, checked against torch (when installed) to 1e-10 in
float64 for outputs and every gradient, and compiled against eager."""

import numpy as np
import pytest

import adjit
from adjit import nn


def f64(a):
    return adjit.from_numpy(np.array(a, dtype=np.float64))


def test_parameter_names_shapes_and_repr():
    lstm = nn.LSTM(3, 4, num_layers=2)
    assert [(n, p.shape) for n, p in lstm.named_parameters()] == [
        ("weight_ih_l0", (16, 3)), ("weight_hh_l0", (16, 4)), ("bias_ih_l0", (16,)),
        ("bias_hh_l0", (16,)), ("weight_ih_l1", (16, 4)), ("weight_hh_l1", (16, 4)),
        ("bias_ih_l1", (16,)), ("bias_hh_l1", (16,))]
    assert repr(lstm) == "LSTM(3, 4, num_layers=2)"
    gru = nn.GRU(3, 5, bias=False, batch_first=True, dtype=adjit.float64)
    assert [n for n, _ in gru.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert gru.weight_ih_l0.shape == (15, 3) and gru.weight_ih_l0.dtype == adjit.float64
    assert repr(gru) == "GRU(3, 5, bias=False, batch_first=True)"
    cell = nn.LSTMCell(2, 3)
    assert [n for n, _ in cell.named_parameters()] == [
        "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert repr(nn.GRUCell(2, 3, bias=False)) == "GRUCell(2, 3, bias=False)"
    bound = 1 / np.sqrt(4)
    for p in lstm.parameters():
        values = p.detach().numpy()
        assert values.min() >= -bound and values.max() <= bound and values.std() > 0.1


def torch_twin(torch, module, make):
    """The torch module `make()` holding `module`'s parameters (float64)."""
    twin = make().double()
    state = {name: torch.from_numpy(p.detach().numpy().copy())
             for name, p in module.named_parameters()}
    assert set(state) == set(twin.state_dict())
    twin.load_state_dict(state)
    return twin


def torch_grads(torch, twin, inputs):
    return [p.grad.numpy() for _, p in twin.named_parameters()] + [t.grad.numpy() for t in inputs]


def adjit_grads(module, inputs):
    return [p.grad.numpy() for _, p in module.named_parameters()] + [t.grad.numpy() for t in inputs]


def assert_close(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        assert np.abs(g - e).max() <= 1e-10


SEQUENCE_CASES = [
    # (num_layers, bias, batch_first, batched, with_state, bidirectional, proj_size)
    (1, True, False, True, False, False, 0),
    (2, True, False, True, True, False, 0),
    (3, False, True, True, True, False, 0),
    (2, True, True, False, True, False, 0),
    (2, True, False, True, True, True, 0),
    (1, False, True, False, True, True, 0),
    (2, True, True, True, True, True, 4),
    (1, True, False, True, False, False, 2),
]


def sequence_inputs(rng, case, lstm):
    num_layers, _, batch_first, batched, with_state, bidirectional, proj_size = case
    time, batch = 5, 3
    shape = ((batch, time) if batch_first else (time, batch)) if batched else (time,)
    x = f64(rng.standard_normal(shape + (4,))).requires_grad_()
    rows = num_layers * (2 if bidirectional else 1)
    if not with_state:
        return x, []
    sizes = [proj_size or 6, 6] if lstm else [6]
    states = [f64(rng.standard_normal(((rows, batch) if batched else (rows,)) + (size,)))
              .requires_grad_() for size in sizes]
    return x, states


@pytest.mark.parametrize("case", SEQUENCE_CASES)
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_sequence_layers_match_torch(kind, case):
    torch = pytest.importorskip("torch")
    num_layers, bias, batch_first, batched, with_state, bidirectional, proj_size = case
    lstm = kind == "LSTM"
    if proj_size and not lstm:
        pytest.skip("proj_size is LSTM's only")
    options = dict(num_layers=num_layers, bias=bias, batch_first=batch_first,
                   bidirectional=bidirectional)
    if proj_size:
        options["proj_size"] = proj_size
    adjit.manual_seed(7)
    module = getattr(nn, kind)(4, 6, dtype=adjit.float64, **options)
    twin = torch_twin(torch, module, lambda: getattr(torch.nn, kind)(4, 6, **options))
    rng = np.random.default_rng(num_layers)
    x, states = sequence_inputs(rng, case, lstm)
    tx = torch.from_numpy(x.detach().numpy().copy()).requires_grad_()
    tstates = [torch.from_numpy(s.detach().numpy().copy()).requires_grad_() for s in states]

    hx = (tuple(states) if lstm else states[0]) if states else None
    thx = (tuple(tstates) if lstm else tstates[0]) if tstates else None
    out, state = module(x, hx)
    tout, tstate = twin(tx, thx)
    finals = list(state) if lstm else [state]
    tfinals = list(tstate) if lstm else [tstate]
    assert_close([t.detach().numpy() for t in [out] + finals],
                 [t.detach().numpy() for t in [tout] + tfinals])
    # A loss that weights every result, so each gradient path is checked.
    weights = [f64(rng.standard_normal(tuple(t.shape))) for t in [out] + finals]
    loss = sum(((t * w).sum() for t, w in zip([out] + finals, weights)), f64(0.0))
    tloss = sum((t * torch.from_numpy(w.numpy())).sum() for t, w in zip([tout] + tfinals, weights))
    loss.backward()
    tloss.backward()
    assert_close(adjit_grads(module, [x] + states), torch_grads(torch, twin, [tx] + tstates))


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(kind, batched):
    torch = pytest.importorskip("torch")
    lstm = kind == "LSTMCell"
    module = getattr(nn, kind)(4, 5, dtype=adjit.float64)
    twin = torch_twin(torch, module, lambda: getattr(torch.nn, kind)(4, 5))
    rng = np.random.default_rng(3)
    shape = (3,) if batched else ()
    x = f64(rng.standard_normal(shape + (4,))).requires_grad_()
    states = [f64(rng.standard_normal(shape + (5,))).requires_grad_() for _ in range(2 if lstm else 1)]
    tx = torch.from_numpy(x.detach().numpy().copy()).requires_grad_()
    tstates = [torch.from_numpy(s.detach().numpy().copy()).requires_grad_() for s in states]
    result = module(x, tuple(states) if lstm else states[0])
    tresult = twin(tx, tuple(tstates) if lstm else tstates[0])
    results = list(result) if lstm else [result]
    tresults = list(tresult) if lstm else [tresult]
    assert_close([r.detach().numpy() for r in results], [r.detach().numpy() for r in tresults])
    loss = sum((r * (i + 1.5)).tanh().sum() for i, r in enumerate(results))
    tloss = sum((r * (i + 1.5)).tanh().sum() for i, r in enumerate(tresults))
    loss.backward()
    tloss.backward()
    assert_close(adjit_grads(module, [x] + states), torch_grads(torch, twin, [tx] + tstates))
    default = module(x)  # zeros state
    tdefault = twin(tx)
    assert_close([r.detach().numpy() for r in (default if lstm else [default])],
                 [r.detach().numpy() for r in (tdefault if lstm else [tdefault])])


def test_eager_gradients_pass_gradcheck():
    lstm = nn.LSTM(2, 3, num_layers=2, dtype=adjit.float64)
    x = f64(np.random.default_rng(0).standard_normal((4, 2, 2))).requires_grad_()
    w = lstm.weight_hh_l1

    def f(x, w):
        lstm.weight_hh_l1 = nn.Parameter(w, requires_grad=w.requires_grad)
        out, (h, c) = lstm(x)
        return out.sum() + (c * c).sum()

    assert adjit.autograd.gradcheck(f, (x, w.detach().clone().requires_grad_()))
    lstm.weight_hh_l1 = w


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_compiled_matches_eager_and_is_one_scan_per_layer(kind):
    module = getattr(nn, kind)(3, 4, num_layers=2, batch_first=True, dtype=adjit.float64)
    head = nn.Linear(4, 1)
    head.weight = nn.Parameter(head.weight.detach().double())
    head.bias = nn.Parameter(head.bias.detach().double())
    rng = np.random.default_rng(5)
    x = f64(rng.standard_normal((2, 7, 3)))
    y = f64(rng.standard_normal((2, 1)))

    def loss_of(x, y):
        out, _ = module(x)
        return ((head(out[:, -1]) - y) ** 2).mean()

    params = list(module.parameters()) + list(head.parameters())
    eager = loss_of(x, y)
    eager.backward()
    expected = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    compiled = adjit.jit.compile(loss_of)
    loss = compiled(x, y)
    assert abs(loss.item() - eager.item()) <= 1e-12
    for p, e in zip(params, expected):
        assert np.abs(p.grad.numpy() - e).max() <= 1e-12
    traced = adjit.jit.trace(loss_of, x, y)
    assert traced.count("adjit.scan") == 2  # one per layer
    longer = adjit.jit.trace(loss_of, f64(rng.standard_normal((2, 70, 3))), y)
    assert len(longer.splitlines()) == len(traced.splitlines())


def test_train_step_with_lstm_matches_eager_sgd():
    adjit.manual_seed(2)
    model = nn.LSTM(3, 4, dtype=adjit.float64)
    rng = np.random.default_rng(6)
    x = f64(rng.standard_normal((6, 2, 3)))

    def loss_of(x):
        out, (h, c) = model(x)
        return (out * out).mean() + c.sum()

    start = {n: p.detach().clone() for n, p in model.named_parameters()}
    loss_of(x).backward()
    expected = {n: start[n] - 0.1 * p.grad for n, p in model.named_parameters()}
    step = adjit.jit.TrainStep(loss_of, adjit.optim.SGDOptions(0.1))
    step(x)
    for n, p in model.named_parameters():
        assert np.abs(p.detach().numpy() - expected[n].numpy()).max() <= 1e-12


def test_replaced_and_loaded_parameters_are_used():
    cell = nn.GRUCell(2, 2, dtype=adjit.float64)
    x = f64([[0.5, -1.0]])
    before = cell(x)
    state = {n: p.detach() * 0 for n, p in cell.named_parameters()}
    cell.load_state_dict(state)
    assert np.abs(cell(x).detach().numpy()).max() == 0.0  # zero weights: n = 0, z = 1/2, h' = 0
    cell.weight_ih = nn.Parameter(f64(np.ones((6, 2))))
    assert not np.allclose(cell(x).detach().numpy(), 0.0)
    assert before.shape == (1, 2)


def test_dropout_between_layers_in_training_only():
    x = f64(np.random.default_rng(2).standard_normal((4, 2, 3)))
    gru = nn.GRU(3, 4, num_layers=2, dropout=1.0, dtype=adjit.float64)
    out, _ = gru(x)
    out.sum().backward()
    # Every output of layer 0 is dropped: the output ignores layer 0.
    assert np.abs(gru.weight_hh_l0.grad.numpy()).max() == 0.0
    assert np.abs(gru.weight_hh_l1.grad.numpy()).max() > 0.0
    gru.eval()
    twin = nn.GRU(3, 4, num_layers=2, dtype=adjit.float64)
    twin.load_state_dict(gru.state_dict())
    assert np.array_equal(gru(x)[0].detach().numpy(), twin(x)[0].detach().numpy())
    assert "dropout=1.0" in repr(gru)


def test_bidirectional_layers_compile_to_one_scan_per_direction():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2, dtype=adjit.float64)
    x = f64(np.random.default_rng(5).standard_normal((6, 2, 3)))

    def loss(x):
        out, (h, c) = lstm(x)
        return (out * out).sum() + h.sum() + c.sum()

    params = list(lstm.parameters())
    eager = loss(x)
    eager.backward()
    expected = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    compiled = adjit.jit.compile(loss)
    assert abs(compiled(x).item() - eager.item()) <= 1e-12
    for p, e in zip(params, expected):
        assert np.abs(p.grad.numpy() - e).max() <= 1e-12
    assert adjit.jit.trace(loss, x).count("adjit.scan") == 4  # 2 layers x 2 directions


def test_rnn_errors_carry_the_cpp_message():
    lstm = nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(adjit.Error, match=r"LSTM: expected an input of shape \[time, batch, 3\].*\[5, 2, 2\]"):
        lstm(adjit.ones(5, 2, 2))
    with pytest.raises(adjit.Error, match=r"LSTM: expected h_0 of shape \[2, 2, 4\], got \[2, 4\]"):
        lstm(adjit.ones(5, 2, 3), (adjit.zeros(2, 4), adjit.zeros(2, 4)))
    with pytest.raises(adjit.Error, match=r"GRUCell: expected hx of shape \[2, 4\], got \[4\]"):
        nn.GRUCell(3, 4)(adjit.ones(2, 3), adjit.zeros(4))
    with pytest.raises(adjit.Error, match="must be positive"):
        nn.GRU(3, 0)
    with pytest.raises(adjit.Error, match=r"GRU: proj_size is supported only by LSTM, got 2"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(adjit.Error, match=r"proj_size must be in \[0, hidden_size\)"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError):
        nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(TypeError):
        nn.LSTM(3, 4, device="cuda")
