"""Tensors from Python: factories, dtypes, operators, indexing, methods."""

import math

import pytest

import adjit


def test_tensor_infers_dtype_like_pytorch():
    assert adjit.tensor([1.0, 2.0]).dtype == adjit.float32
    assert adjit.tensor([1, 2]).dtype == adjit.int64
    assert adjit.tensor([True, False]).dtype == adjit.bool
    assert adjit.tensor([1, 2.5]).dtype == adjit.float32
    assert adjit.tensor(3.0).shape == ()
    assert adjit.tensor([[1, 2], [3, 4]], dtype=adjit.float64).dtype == adjit.float64
    assert adjit.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert adjit.tensor([]).shape == (0,)


def test_tensor_rejects_ragged_lists():
    with pytest.raises(adjit.Error, match="not rectangular"):
        adjit.tensor([[1, 2], [3]])
    with pytest.raises(adjit.Error, match="not rectangular"):
        adjit.tensor([[1, 2], 3])
    with pytest.raises(TypeError):
        adjit.tensor(["a"])


def test_factories():
    assert adjit.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert adjit.ones((2,)).tolist() == [1.0, 1.0]
    assert adjit.zeros([2, 1], dtype=adjit.int64).dtype == adjit.int64
    assert adjit.full((2,), 7).tolist() == [7, 7]
    assert adjit.arange(4).tolist() == [0, 1, 2, 3]
    assert adjit.arange(4).dtype == adjit.int64
    assert adjit.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert adjit.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    r = adjit.rand(1000)
    assert 0.0 <= r.min().item() and r.max().item() < 1.0
    n = adjit.randn(4000, dtype=adjit.float64)
    assert abs(n.mean().item()) < 0.1 and abs(n.std().item() - 1) < 0.1
    assert adjit.zeros(2, requires_grad=True).requires_grad
    assert adjit.ones_like(adjit.zeros(2, 2)).tolist() == [[1.0, 1.0]] * 2


def test_manual_seed_repeats_sequences():
    adjit.manual_seed(7)
    a = adjit.randn(5).tolist()
    adjit.manual_seed(7)
    assert adjit.randn(5).tolist() == a


def test_dtypes():
    assert repr(adjit.float32) == "adjit.float32"
    assert adjit.float == adjit.float32 and adjit.long == adjit.int64
    assert adjit.float64.is_floating_point and not adjit.int64.is_floating_point
    assert adjit.float64.itemsize == 8
    t = adjit.tensor([1.5, -2.5])
    assert t.to(adjit.int64).tolist() == [1, -2]
    assert t.double().dtype == adjit.float64
    assert t.long().dtype == adjit.int64
    assert t.bool().tolist() == [True, True]


def test_operators():
    a = adjit.tensor([1.0, 2.0, 3.0])
    b = adjit.tensor([4.0, 5.0, 6.0])
    assert (a + b).tolist() == [5.0, 7.0, 9.0]
    assert (a - b).tolist() == [-3.0, -3.0, -3.0]
    assert (a * b).tolist() == [4.0, 10.0, 18.0]
    assert (b / a).tolist() == [4.0, 2.5, 2.0]
    assert (a ** 2).tolist() == [1.0, 4.0, 9.0]
    assert (a ** b).tolist() == [1.0, 32.0, 729.0]
    assert (2 ** a).tolist() == [2.0, 4.0, 8.0]
    assert (1 + a).tolist() == [2.0, 3.0, 4.0]
    assert (1 - a).tolist() == [0.0, -1.0, -2.0]
    assert (2 * a).tolist() == [2.0, 4.0, 6.0]
    assert (6 / a).tolist() == [6.0, 3.0, 2.0]
    assert (-a).tolist() == [-1.0, -2.0, -3.0]
    assert (a @ b).item() == 32.0
    m = adjit.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert (m @ m).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert (a < 2).tolist() == [True, False, False]
    assert (a <= 2).tolist() == [True, True, False]
    assert (a > b).tolist() == [False] * 3
    assert (a >= 3).tolist() == [False, False, True]
    assert (a == 2).tolist() == [False, True, False]
    assert (a != 2).tolist() == [True, False, True]
    assert (a == b).tolist() == [False] * 3
    assert abs(adjit.tensor([-2.0])).tolist() == [2.0]


def test_scalars_promote_like_pytorch():
    i = adjit.tensor([1, 2])
    assert (i + 1).dtype == adjit.int64
    assert (i + 0.5).dtype == adjit.float32
    assert (i + 0.5).tolist() == [1.5, 2.5]
    assert (i * 1.5).tolist() == [1.5, 3.0]
    assert (i / 2).dtype == adjit.float32
    f64 = adjit.tensor([1.0], dtype=adjit.float64)
    assert (f64 + 1.0).dtype == adjit.float64
    assert (adjit.tensor([True]) + 1).dtype == adjit.int64


def test_unsupported_operands_raise_type_error():
    a = adjit.tensor([1.0])
    with pytest.raises(TypeError):
        a + "x"
    with pytest.raises(TypeError):
        a * None
    assert (a == None) is False  # noqa: E711 (Python's identity fallback)


def test_in_place_operators_keep_the_tensor():
    a = adjit.tensor([1.0, 2.0])
    ref = a
    a += 1
    a -= adjit.tensor([0.5, 0.5])
    a *= 2
    a /= 3
    assert a is ref
    assert a.tolist() == pytest.approx([1.0, 5.0 / 3.0])
    assert a._version() == 4


def test_indexing_and_views():
    t = adjit.arange(12).reshape(3, 4)
    assert t[1].tolist() == [4, 5, 6, 7]
    assert t[-1, -1].item() == 11
    assert t[:, 1].tolist() == [1, 5, 9]
    assert t[1:, ::2].tolist() == [[4, 6], [8, 10]]
    assert t[None].shape == (1, 3, 4)
    assert t[..., 0].tolist() == [0, 4, 8]
    assert t[0, None, 1:3].tolist() == [[1, 2]]
    v = t[1]
    v[0] = 100
    assert t[1, 0].item() == 100
    t[:, 3] = adjit.tensor([-1, -2, -3])
    assert t[:, 3].tolist() == [-1, -2, -3]
    assert len(t) == 3
    assert [row.tolist() for row in t][2] == [8, 9, 10, -3]
    with pytest.raises(adjit.Error):
        t[5]
    with pytest.raises(adjit.Error, match="step must be positive"):
        t[::-1]
    with pytest.raises(adjit.Error, match="advanced indexing"):
        t[adjit.tensor([0])]


def test_methods():
    t = adjit.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2) and t.size() == (2, 2) and t.size(1) == 2
    assert t.dim() == 2 and t.ndim == 2 and t.numel() == 4
    assert t.sum().item() == 10.0
    assert t.sum(0).tolist() == [4.0, 6.0]
    assert t.sum(dim=1, keepdim=True).shape == (2, 1)
    assert t.mean().item() == 2.5
    assert t.prod().item() == 24.0
    values, indices = t.max(1)
    assert values.tolist() == [2.0, 4.0] and indices.tolist() == [1, 1]
    assert t.max().item() == 4.0 and t.min().item() == 1.0
    assert t.argmax().item() == 3 and t.argmin(0).tolist() == [0, 0]
    assert t.t().tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert t.T.tolist() == t.transpose(0, 1).tolist()
    assert t.reshape(4).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert t.view(-1, 1).shape == (4, 1)
    assert t.flatten().shape == (4,)
    assert t.unsqueeze(0).shape == (1, 2, 2)
    assert t.unsqueeze(0).squeeze().shape == (2, 2)
    assert t.permute(1, 0).tolist() == t.t().tolist()
    assert t[0].expand(3, 2).shape == (3, 2)
    assert t.clamp(min=2, max=3).tolist() == [[2.0, 2.0], [3.0, 3.0]]
    assert t.var().item() == pytest.approx(5.0 / 3.0)
    assert t.var(unbiased=False).item() == pytest.approx(1.25)
    assert t.exp().log().flatten().tolist() == pytest.approx([1.0, 2.0, 3.0, 4.0])
    assert adjit.exp(adjit.tensor([0.0])).tolist() == [1.0]
    assert adjit.cat([t, t]).shape == (4, 2)
    assert adjit.stack([t, t], 1).shape == (2, 2, 2)
    assert adjit.where(t > 2, t, 0.0).tolist() == [[0.0, 0.0], [3.0, 4.0]]
    assert adjit.maximum(t, adjit.tensor(2.5)).tolist() == [[2.5, 2.5], [3.0, 4.0]]
    assert t.logsumexp(1).tolist() == pytest.approx(
        [math.log(math.e + math.e ** 2), math.log(math.e ** 3 + math.e ** 4)])
    assert t.softmax(1).sum(1).tolist() == pytest.approx([1.0, 1.0])
    assert adjit.tensor([2.5]).item() == 2.5
    assert isinstance(adjit.tensor(3).item(), int)
    assert float(adjit.tensor(1.5)) == 1.5 and int(adjit.tensor(7)) == 7
    assert bool(adjit.tensor(1.0)) and not bool(adjit.tensor(0.0))
    assert "%.2f" % adjit.tensor(1.234).item() == "1.23"
    assert "{:.1f}".format(adjit.tensor(2.25)) == "2.2"


def test_printing_like_pytorch():
    assert repr(adjit.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(adjit.tensor([1, 2])) == "tensor([1, 2])"
    assert str(adjit.tensor([[1.0, 2.0], [3.0, 4.0]])) == (
        "tensor([[1., 2.],\n        [3., 4.]])")
    w = adjit.tensor([1.0], requires_grad=True)
    assert repr(w) == "tensor([1.], requires_grad=True)"
    assert repr(w * 2) == "tensor([2.], grad_fn=<MulBackward0>)"
    assert repr(adjit.tensor([1.0], dtype=adjit.float64)) == "tensor([1.], dtype=adjit.float64)"


def test_printing_matches_torch():
    torch = pytest.importorskip("torch")
    for values in ([1.0, 2.5], [[1e-5, 1.0], [3.0, 4.0]], [1, -2, 3], [[0.1234567, 100.5]]):
        assert repr(adjit.tensor(values)) == repr(torch.tensor(values))
    for values in ([1.0, 2.5], [[3.0, -4.25]]):
        ours = repr(adjit.tensor(values, dtype=adjit.float64))
        assert ours == repr(torch.tensor(values, dtype=torch.float64)).replace("torch.", "adjit.")
