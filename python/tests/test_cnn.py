"""Convolutional networks from Python: conv, pooling, batch norm, dropout and
their modules, eager and compiled (checked against torch when installed)."""

import numpy as np
import pytest

import adjit
import adjit.nn as nn
import adjit.nn.functional as F


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(0.25)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(4 * 3 * 3, 3)

    def forward(self, x):
        h = self.pool(F.relu(self.bn(self.conv(x))))
        return self.fc(self.dropout(self.flatten(h)))


def test_module_shapes_parameters_and_buffers():
    adjit.manual_seed(0)
    net = SmallNet()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["conv.weight", "conv.bias", "bn.weight", "bn.bias",
                     "fc.weight", "fc.bias"]
    assert [name for name, _ in net.named_buffers()] == [
        "bn.running_mean", "bn.running_var"]
    assert "bn.running_var" in net.state_dict()
    assert net.conv.weight.shape == (4, 1, 3, 3)
    bound = 1 / 3.0
    assert net.conv.weight.abs().max().item() <= bound
    assert net(adjit.randn(5, 1, 6, 6)).shape == (5, 3)
    assert nn.Conv1d(2, 3, 3, groups=1)(adjit.randn(4, 2, 7)).shape == (4, 3, 5)
    assert nn.AdaptiveAvgPool2d((2, 1))(adjit.randn(1, 2, 5, 4)).shape == (1, 2, 2, 1)
    assert nn.AvgPool2d(2, stride=1)(adjit.randn(1, 1, 3, 3)).shape == (1, 1, 2, 2)
    assert "Conv2d(1, 4, kernel_size=3, stride=1, padding=1)" in repr(net)


def test_conv_parameters_match_the_cpp_module_draws():
    adjit.manual_seed(7)
    a = nn.Conv2d(3, 2, (3, 2), groups=1)
    adjit.manual_seed(7)
    w, b = adjit._adjit._nn.conv2d_parameters(3, 2, (3, 2), 1, True)
    assert np.array_equal(a.weight.detach().numpy(), w.detach().numpy())
    assert np.array_equal(a.bias.detach().numpy(), b.detach().numpy())


def test_batch_norm_modes_and_running_stats():
    adjit.manual_seed(1)
    bn = nn.BatchNorm2d(3, momentum=0.5)
    x = adjit.randn(4, 3, 2, 2) * 2.0 + 1.0
    y = bn(x)
    mean = x.mean((0, 2, 3), keepdim=True)
    var = ((x - mean) * (x - mean)).mean((0, 2, 3), keepdim=True)
    np.testing.assert_allclose(y.detach().numpy(), ((x - mean) / (var + 1e-5).sqrt()).numpy(),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean.numpy(),
                               (mean.flatten() * 0.5).numpy(), rtol=1e-5, atol=1e-6)
    bn.eval()
    before = bn.running_mean.numpy().copy()
    bn(x)
    assert np.array_equal(bn.running_mean.numpy(), before)
    with pytest.raises(RuntimeError, match="BatchNorm2d: expected 4D input, got 2D input"):
        bn(adjit.randn(4, 3))


def test_dropout_follows_the_mode():
    adjit.manual_seed(3)
    drop = nn.Dropout(0.5)
    x = adjit.ones(2000)
    kept = (drop(x) != 0).float().mean().item()
    assert kept == pytest.approx(0.5, abs=0.05)
    drop.eval()
    assert np.array_equal(drop(x).numpy(), x.numpy())
    with pytest.raises(ValueError):
        nn.Dropout(1.5)


def test_functional_errors_are_runtime_errors():
    x = adjit.randn(1, 3, 5, 5)
    with pytest.raises(RuntimeError, match="conv2d: input \\[1, 3, 5, 5\\] has 3 channels"):
        F.conv2d(x, adjit.randn(4, 2, 3, 3))
    with pytest.raises(RuntimeError, match="max_pool2d: stride must be positive"):
        F.max_pool2d(x, 2, stride=0)
    with pytest.raises(RuntimeError, match="requires stride 1"):
        F.conv2d(x, adjit.randn(4, 3, 3, 3), stride=2, padding="same")


def test_gradients_of_the_functional_ops():
    adjit.manual_seed(2)
    x = adjit.randn(2, 2, 5, 5, dtype=adjit.float64, requires_grad=True)
    w = adjit.randn(3, 2, 3, 3, dtype=adjit.float64, requires_grad=True)

    def f(x, w):
        h = F.conv2d(x, w, padding="same")
        h = F.max_pool2d(h, 2, stride=1) + F.avg_pool2d(h, 3, stride=1, padding=1)[..., :4, :4]
        return F.adaptive_avg_pool2d(h, 2)

    assert adjit.autograd.gradcheck(f, (x, w))


def test_compiled_train_step_and_eval_match_eager():
    adjit.manual_seed(4)
    eager, compiled = SmallNet(), SmallNet()
    compiled.load_state_dict(eager.state_dict())
    x = adjit.randn(6, 1, 6, 6)
    y = adjit.tensor([0, 1, 2, 0, 1, 2])
    for net in (eager, compiled):
        net.dropout.p = 0.0  # the masks are compared in the C++ tests
    sgd = adjit.optim.SGD(eager.parameters(), lr=0.1, momentum=0.9)
    step = adjit.jit.TrainStep(lambda x, y: F.cross_entropy(compiled(x), y),
                               adjit.optim.SGDOptions(0.1, momentum=0.9))
    for _ in range(3):
        sgd.zero_grad()
        loss = F.cross_entropy(eager(x), y)
        loss.backward()
        sgd.step()
        assert step(x, y).item() == pytest.approx(loss.item(), rel=1e-4)
    for (name, a), (_, b) in zip(eager.state_dict().items(), compiled.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)

    compiled.eval()
    evaluate = adjit.jit.compile(lambda x: compiled(x))
    with adjit.no_grad():
        np.testing.assert_allclose(evaluate(x).numpy(), compiled(x).numpy(),
                                   rtol=1e-5, atol=1e-6)
    assert step.stats["compilations"] == 1


def test_matches_torch():
    torch = pytest.importorskip("torch")
    adjit.manual_seed(5)
    x = adjit.randn(2, 4, 7, 6)
    w = adjit.randn(6, 2, 3, 2)
    b = adjit.randn(6)
    tx, tw, tb = (torch.from_numpy(t.numpy().copy()) for t in (x, w, b))
    got = F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
    want = torch.nn.functional.conv2d(tx, tw, tb, stride=(2, 1), padding=1,
                                      dilation=(1, 2), groups=2)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    got = F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
    want = torch.nn.functional.max_pool2d(tx, 3, stride=2, padding=1, ceil_mode=True)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    got = F.avg_pool2d(x, 2, padding=1, count_include_pad=False)
    want = torch.nn.functional.avg_pool2d(tx, 2, padding=1, count_include_pad=False)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)
    mean, var = adjit.zeros(4), adjit.ones(4)
    tmean, tvar = torch.zeros(4), torch.ones(4)
    got = F.batch_norm(x, mean, var, training=True, momentum=0.3)
    want = torch.nn.functional.batch_norm(tx, tmean, tvar, training=True, momentum=0.3)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(var.numpy(), tvar.numpy(), rtol=1e-5)
