"""Sequence-model ops from Python: indexing, embedding, layer norm, GELU,
masking, shapes and attention, eager and compiled (checked against torch when
installed)."""

import numpy as np
import pytest

import adjit
import adjit.nn as nn
import adjit.nn.functional as F


def test_indexing_methods_and_errors():
    x = adjit.arange(12.0).reshape(3, 4)
    idx = adjit.tensor([[0, 3], [1, 1], [2, 0]])
    assert x.gather(1, idx).tolist() == [[0.0, 3.0], [5.0, 5.0], [10.0, 8.0]]
    assert x.index_select(0, adjit.tensor([2, 0])).tolist() == [
        [8.0, 9.0, 10.0, 11.0], [0.0, 1.0, 2.0, 3.0]]
    z = adjit.zeros(3, 4).scatter_add(1, idx, adjit.ones(3, 2))
    assert z.tolist() == [[1.0, 0, 0, 1.0], [0, 2.0, 0, 0], [1.0, 0, 1.0, 0]]
    assert F.one_hot(adjit.tensor([0, 2]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    with pytest.raises(RuntimeError, match="gather: index 4"):
        x.gather(1, adjit.tensor([[4]]))


def test_embedding_padding_and_tied_weights():
    adjit.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=-1)
    assert emb.padding_idx == 4
    assert emb.weight.detach()[4].tolist() == [0.0, 0.0, 0.0]
    tokens = adjit.tensor([[1, 4], [1, 2]])
    h = emb(tokens)
    assert h.shape == (2, 2, 3)
    # A tied head: both uses of the table accumulate into its gradient.
    logits = h.matmul(emb.weight.t())
    logits.sum().backward()
    grad = emb.weight.grad
    assert grad.shape == (5, 3)
    expected = h.detach().sum((0, 1))  # d/dW of sum(h W^T): every row
    np.testing.assert_allclose(grad[0].numpy(), expected.numpy(), rtol=1e-5)
    assert "Embedding(5, 3, padding_idx=4)" in repr(emb)


def test_masking_shapes_and_attention():
    x = adjit.ones(3, 3)
    assert x.tril().tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    assert adjit.triu(x, 1).tolist() == [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    mask = adjit.tensor([True, False, True])
    assert x.masked_fill(mask, -1.0)[0].tolist() == [-1.0, 1.0, -1.0]
    assert adjit.arange(4.0).cumsum(0).tolist() == [0.0, 1.0, 3.0, 6.0]
    parts = adjit.arange(10.0).split([3, 7])
    assert [p.shape for p in parts] == [(3,), (7,)]
    assert [c.shape for c in adjit.arange(10.0).chunk(3)] == [(4,), (4,), (2,)]
    assert adjit.ones(2, 3).repeat(2, 1).shape == (4, 3)
    assert len(adjit.ones(2, 3).unbind(1)) == 3
    assert adjit.arange(6.0).narrow(0, 2, 3).tolist() == [2.0, 3.0, 4.0]
    assert adjit.ones(2, 3, 4).bmm(adjit.ones(2, 4, 5)).shape == (2, 3, 5)
    adjit.manual_seed(1)
    q, k, v = (adjit.randn(2, 4, 8) for _ in range(3))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    # The first query sees only the first key.
    np.testing.assert_allclose(out[:, 0].numpy(), v[:, 0].numpy(), rtol=1e-5, atol=1e-6)


def test_layer_norm_gelu_gradients():
    adjit.manual_seed(2)
    x = adjit.randn(3, 4, dtype=adjit.float64, requires_grad=True)
    w = adjit.randn(4, dtype=adjit.float64, requires_grad=True)
    b = adjit.randn(4, dtype=adjit.float64, requires_grad=True)
    assert adjit.autograd.gradcheck(lambda x, w, b: F.layer_norm(x, 4, w, b), (x, w, b))
    assert adjit.autograd.gradcheck(lambda x: F.gelu(x, approximate="tanh"), (x,))
    with pytest.raises(RuntimeError, match="layer_norm"):
        F.layer_norm(x, (3,))


def test_compiled_adamw_train_step_matches_eager():
    adjit.manual_seed(3)

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(7, 8)
            self.norm = nn.LayerNorm(8)
            self.act = nn.GELU(approximate="tanh")
            self.head = nn.Linear(8, 7)

        def forward(self, tokens):
            return self.head(self.act(self.norm(self.emb(tokens))))

    eager, compiled = Tiny(), Tiny()
    compiled.load_state_dict(eager.state_dict())
    tokens = adjit.tensor([0, 3, 5, 6, 1, 2])
    targets = adjit.tensor([3, 5, 6, 1, 2, 0])
    opt = adjit.optim.AdamW(eager.parameters(), lr=0.01, weight_decay=0.1)
    step = adjit.jit.TrainStep(lambda t, y: F.cross_entropy(compiled(t), y),
                               adjit.optim.AdamWOptions(0.01, weight_decay=0.1))
    # An AdamW optimizer gives its own rule, not Adam's L2 decay.
    from_optimizer = adjit.jit.TrainStep(lambda t, y: F.cross_entropy(compiled(t), y), opt)
    assert from_optimizer.lr == pytest.approx(0.01)
    for _ in range(4):
        opt.zero_grad()
        loss = F.cross_entropy(eager(tokens), targets)
        loss.backward()
        opt.step()
        assert step(tokens, targets).item() == pytest.approx(loss.item(), rel=1e-4)
    for (name, a), (_, b) in zip(eager.state_dict().items(), compiled.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)


def test_matches_torch():
    torch = pytest.importorskip("torch")
    adjit.manual_seed(4)
    x = adjit.randn(2, 3, 5, dtype=adjit.float64)
    w, b = adjit.randn(5, dtype=adjit.float64), adjit.randn(5, dtype=adjit.float64)
    tx, tw, tb = (torch.from_numpy(t.numpy().copy()) for t in (x, w, b))
    np.testing.assert_allclose(F.layer_norm(x, 5, w, b).numpy(),
                               torch.nn.functional.layer_norm(tx, (5,), tw, tb).numpy(),
                               rtol=1e-12, atol=1e-12)
    for approximate in ("none", "tanh"):
        np.testing.assert_allclose(
            F.gelu(x, approximate=approximate).numpy(),
            torch.nn.functional.gelu(tx, approximate=approximate).numpy(),
            rtol=1e-12, atol=1e-12)
