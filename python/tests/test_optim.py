"""Optimizers from Python: parameter groups as PyTorch writes them, the
learning-rate schedules, gradient clipping, and TrainStep made from an
optimizer with groups (checked against torch when installed)."""

import math

import numpy as np
import pytest

import adjit
import adjit.nn.functional as F
from adjit.optim import lr_scheduler


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    x = adjit.from_numpy(rng.standard_normal((16, 3)))
    y = adjit.from_numpy(rng.standard_normal((16, 2)))
    return x, y


def make_model(seed=1):
    rng = np.random.default_rng(seed)
    w = adjit.from_numpy(rng.standard_normal((2, 3))).requires_grad_()
    b = adjit.from_numpy(rng.standard_normal(2)).requires_grad_()
    return w, b


def eager_step(opt, sched, w, b, x, y):
    """One eager step of the linear model with clipping at 0.5; returns the
    loss and the norm before clipping."""
    opt.zero_grad()
    loss = F.mse_loss(x.matmul(w.t()) + b, y)
    loss.backward()
    norm = adjit.nn.utils.clip_grad_norm_([w, b], 0.5)
    opt.step()
    sched.step()
    return loss, norm


def test_groups_from_dicts_and_their_views():
    w, b = make_model()
    opt = adjit.optim.SGD([{"params": [w]},
                           {"params": b, "lr": 0.5, "momentum": 0.9}],
                          lr=0.1, momentum=0.0)
    groups = opt.param_groups
    assert len(groups) == 2
    assert groups[0]["lr"] == 0.1 and groups[0]["momentum"] == 0.0
    assert groups[1]["lr"] == 0.5 and groups[1]["momentum"] == 0.9
    assert list(groups[1].keys()) == ["params", "lr", "momentum", "dampening",
                                      "weight_decay", "nesterov"]
    assert "nesterov" in groups[0] and "betas" not in groups[0]
    assert groups[1]["params"][0] is not None
    assert groups[1]["params"][0].shape == (2,)
    assert "'lr': 0.5" in repr(groups[1])
    # A write sets that group only, for the following steps.
    groups[0]["lr"] = 0.25
    assert opt.param_groups[0]["lr"] == 0.25
    assert opt.param_groups[1]["lr"] == 0.5
    with pytest.raises(KeyError, match="unknown option 'betas'"):
        groups[0]["betas"] = (0.9, 0.99)
    with pytest.raises(KeyError):
        groups[0]["nope"]
    assert groups[0].get("nope", 3) == 3
    with pytest.raises(TypeError, match="'params' cannot be replaced"):
        groups[0]["params"] = [w]
    with pytest.raises(KeyError, match=r"SGD \(group 0\): unknown option 'eps'"):
        adjit.optim.SGD([{"params": [w], "eps": 1.0}], lr=0.1)
    with pytest.raises(KeyError, match="needs 'params'"):
        adjit.optim.Adam([{"lr": 1.0}])


def test_add_param_group_and_adam_keys():
    w, b = make_model()
    opt = adjit.optim.AdamW([w], lr=1e-2)
    opt.add_param_group({"params": [b], "weight_decay": 0.0, "betas": (0.8, 0.9)})
    g0, g1 = opt.param_groups
    assert g0["weight_decay"] == 1e-2 and g1["weight_decay"] == 0.0
    assert g1["betas"] == (0.8, 0.9) and g1["lr"] == 1e-2
    with pytest.raises(adjit.Error, match="already"):
        opt.add_param_group({"params": [b]})


def test_groups_train_as_pytorch_does():
    torch = pytest.importorskip("torch")
    x, y = make_problem()
    w, b = make_model()
    tw = torch.from_numpy(w.detach().numpy().copy()).requires_grad_()
    tb = torch.from_numpy(b.detach().numpy().copy()).requires_grad_()
    opt = adjit.optim.AdamW([{"params": [w]},
                             {"params": [b], "weight_decay": 0.0, "lr": 0.05}],
                            lr=0.01, betas=(0.9, 0.99), weight_decay=0.1)
    topt = torch.optim.AdamW([{"params": [tw]},
                              {"params": [tb], "weight_decay": 0.0, "lr": 0.05}],
                             lr=0.01, betas=(0.9, 0.99), weight_decay=0.1)
    sched = lr_scheduler.LambdaLR(opt, lambda t: 1.0 / (1 + t))
    tsched = torch.optim.lr_scheduler.LambdaLR(topt, lambda t: 1.0 / (1 + t))
    tx, ty = torch.from_numpy(x.numpy()), torch.from_numpy(y.numpy())
    for _ in range(5):
        loss, norm = eager_step(opt, sched, w, b, x, y)
        topt.zero_grad()
        tloss = torch.nn.functional.mse_loss(tx @ tw.t() + tb, ty)
        tloss.backward()
        tnorm = torch.nn.utils.clip_grad_norm_([tw, tb], 0.5)
        topt.step()
        tsched.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
        assert norm == pytest.approx(tnorm.item(), rel=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.detach().numpy(), tb.detach().numpy(), rtol=1e-12)
    assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-15)


def schedule_rates(make, steps, torch_module=None):
    """The rates of two groups (base 0.2 and 0.05) over `steps` steps."""
    w, b = make_model()
    if torch_module is None:
        opt = adjit.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.05}], lr=0.2)
    else:
        opt = torch_module.optim.SGD(
            [{"params": [torch_module.zeros(1, requires_grad=True)]},
             {"params": [torch_module.zeros(1, requires_grad=True)], "lr": 0.05}],
            lr=0.2)
    sched = make(opt)
    rates = []
    for _ in range(steps):
        rates.append(list(sched.get_last_lr()))
        opt.step()
        sched.step()
    return rates


def test_schedules():
    step = schedule_rates(lambda o: lr_scheduler.StepLR(o, 3, gamma=0.5), 7)
    assert [r[0] for r in step] == pytest.approx([0.2] * 3 + [0.1] * 3 + [0.05])
    cosine = schedule_rates(lambda o: lr_scheduler.CosineAnnealingLR(o, 4, 0.01), 9)
    expected = [0.01 + 0.19 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(9)]
    assert [r[0] for r in cosine] == pytest.approx(expected, rel=1e-14)
    warm = schedule_rates(lambda o: lr_scheduler.CosineWarmupLR(o, 2, 6, 0.01), 8)
    assert warm[0][0] == pytest.approx(0.2 / 3)
    assert warm[7][0] == pytest.approx(0.01)
    with pytest.raises(adjit.Error, match="T_max must be positive"):
        schedule_rates(lambda o: lr_scheduler.CosineAnnealingLR(o, 0), 1)
    with pytest.raises(ValueError, match="from the schedule"):
        schedule_rates(lambda o: lr_scheduler.LambdaLR(
            o, lambda t: (_ for _ in ()).throw(ValueError("from the schedule"))), 1)


def test_schedules_match_torch():
    torch = pytest.importorskip("torch")
    S = torch.optim.lr_scheduler
    for ours, theirs in [
        (lambda o: lr_scheduler.StepLR(o, 2, 0.3), lambda o: S.StepLR(o, 2, 0.3)),
        (lambda o: lr_scheduler.LambdaLR(o, lambda t: 0.9 ** t),
         lambda o: S.LambdaLR(o, lambda t: 0.9 ** t)),
        (lambda o: lr_scheduler.CosineAnnealingLR(o, 5, 0.001),
         lambda o: S.CosineAnnealingLR(o, 5, 0.001)),
    ]:
        a = schedule_rates(ours, 12)
        b = schedule_rates(theirs, 12, torch)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_train_step_from_grouped_optimizer_follows_its_schedule():
    x, y = make_problem()
    w, b = make_model()
    w2 = adjit.from_numpy(w.detach().numpy().copy()).requires_grad_()
    b2 = adjit.from_numpy(b.detach().numpy().copy()).requires_grad_()

    def groups(w, b):
        return [{"params": [w]}, {"params": [b], "weight_decay": 0.0}]

    eager = adjit.optim.AdamW(groups(w, b), lr=0.02, weight_decay=0.1)
    eager_sched = lr_scheduler.StepLR(eager, 2, 0.5)
    source = adjit.optim.AdamW(groups(w2, b2), lr=0.02, weight_decay=0.1)
    sched = lr_scheduler.StepLR(source, 2, 0.5)
    step = adjit.jit.TrainStep(lambda x, y: F.mse_loss(x.matmul(w2.t()) + b2, y),
                               source).clip_grad_norm(0.5)
    for _ in range(6):
        loss, norm = eager_step(eager, eager_sched, w, b, x, y)
        compiled = step(x, y)
        sched.step()
        assert compiled.item() == pytest.approx(loss.item(), rel=1e-10)
        assert step.last_grad_norm == pytest.approx(norm, rel=1e-10)
    np.testing.assert_allclose(w2.detach().numpy(), w.detach().numpy(), rtol=1e-9)
    np.testing.assert_allclose(b2.detach().numpy(), b.detach().numpy(), rtol=1e-9)
    assert step.stats["compilations"] == 1
    assert [g["lr"] for g in step.optimizer.param_groups] == [0.005, 0.005]
    # A tensor the loss trains but no group holds is an error.
    other = adjit.zeros(2, requires_grad=True)
    bad = adjit.jit.TrainStep(lambda x: (x + other).sum(),
                              adjit.optim.SGD([w2], lr=0.1))
    with pytest.raises(adjit.Error):
        bad(adjit.ones(2))


def test_einsum_and_diagonals():
    a = adjit.arange(6.0).reshape(2, 3)
    bm = adjit.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(adjit.einsum("ij,jk->ik", a, bm).numpy(),
                               a.numpy() @ bm.numpy())
    np.testing.assert_allclose(adjit.einsum("ij,jk->ik", [a, bm]).numpy(),
                               a.numpy() @ bm.numpy())
    np.testing.assert_allclose(adjit.einsum("ij->j", a).numpy(), a.numpy().sum(0))
    m = adjit.arange(9.0).reshape(3, 3)
    assert m.diag().tolist() == [0.0, 4.0, 8.0]
    assert adjit.diag(m, 1).tolist() == [1.0, 5.0]
    assert adjit.tensor([1.0, 2.0]).diag_embed().tolist() == [[1.0, 0.0], [0.0, 2.0]]
    assert adjit.einsum("ii->i", m).tolist() == [0.0, 4.0, 8.0]
    np.testing.assert_allclose(adjit.einsum("...ij,jk", a, bm).numpy(),
                               a.numpy() @ bm.numpy())
    with pytest.raises(adjit.Error, match="einsum"):
        adjit.einsum("ij,ij->i", a, m)
