"""adjit.nn and adjit.optim from Python."""

import pytest

import adjit
from adjit import nn
import adjit.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 1, bias=False)
        self.scale = nn.Parameter(adjit.ones(1))
        self.not_a_parameter = adjit.ones(1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def test_module_registers_attributes():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert len(list(net.parameters())) == 4
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert all(p.requires_grad and p.is_leaf for p in net.parameters())
    assert net.fc1.weight.shape == (4, 3)
    assert net.fc2.bias is None
    assert "Linear(in_features=3, out_features=4, bias=True)" in repr(net)
    net.eval()
    assert not net.fc1.training
    net.train()
    assert net.fc1.training


def test_module_forward_backward_and_zero_grad():
    net = Net()
    out = net(adjit.ones(2, 3))
    assert out.shape == (2, 1)
    out.sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_linear_matches_its_formula_and_replaced_parameters():
    fc = nn.Linear(2, 2)
    fc.weight = nn.Parameter(adjit.tensor([[1.0, 2.0], [3.0, 4.0]]))
    fc.bias = nn.Parameter(adjit.tensor([0.5, -0.5]))
    assert fc(adjit.tensor([[1.0, 1.0]])).tolist() == [[3.5, 6.5]]
    assert F.linear(adjit.tensor([[1.0, 1.0]]), fc.weight, fc.bias).tolist() == [[3.5, 6.5]]
    with pytest.raises(adjit.Error, match="Linear"):
        fc(adjit.ones(1, 3))


def test_state_dict_round_trip():
    a, b = Net(), Net()
    b.load_state_dict(a.state_dict())
    x = adjit.rand(2, 3)
    assert b(x).tolist() == a(x).tolist()


def test_cross_entropy_options():
    logits = adjit.tensor([[2.0, 0.0, 1.0], [0.0, 2.0, 1.0], [1.0, 1.0, 1.0]])
    target = adjit.tensor([0, -100, 2])
    logp = F.log_softmax(logits, 1)
    kept = [-logp[0, 0].item(), -logp[2, 2].item()]
    assert F.cross_entropy(logits, target).item() == pytest.approx(sum(kept) / 2)
    # Label smoothing mixes in the mean over the classes of -log p.
    smooth = [-(logp[i].sum().item()) / 3 for i in (0, 2)]
    expected = [0.8 * k + 0.2 * s for k, s in zip(kept, smooth)]
    loss = F.cross_entropy(logits, target, label_smoothing=0.2, reduction="none")
    assert loss.tolist() == pytest.approx([expected[0], 0.0, expected[1]])
    module = nn.CrossEntropyLoss(ignore_index=2, reduction="sum")
    assert module(logits, adjit.tensor([0, 1, 2])).item() == pytest.approx(
        -logp[0, 0].item() - logp[1, 1].item())
    weight = adjit.tensor([2.0, 1.0, 1.0])
    assert F.cross_entropy(logits, target, weight).item() == pytest.approx(
        (2 * kept[0] + kept[1]) / 3)
    with pytest.raises(adjit.Error, match="out of bounds"):
        F.cross_entropy(logits, adjit.tensor([0, -1, 2]))


def test_sequential_and_losses():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))
    assert [n for n, _ in model.named_parameters()][0] == "0.weight"
    assert len(model) == 3 and isinstance(model[1], nn.ReLU)
    logits = adjit.tensor([[2.0, 0.0], [0.0, 2.0]])
    target = adjit.tensor([0, 1])
    expected = -F.log_softmax(logits, 1)[0, 0].item()
    assert F.cross_entropy(logits, target).item() == pytest.approx(expected)
    assert nn.CrossEntropyLoss()(logits, target).item() == pytest.approx(expected)
    assert F.mse_loss(adjit.tensor([1.0, 3.0]), adjit.tensor([0.0, 0.0])).item() == 5.0
    assert F.mse_loss(adjit.tensor([1.0, 3.0]), adjit.zeros(2), reduction="sum").item() == 10.0
    assert nn.MSELoss(reduction="none")(adjit.tensor([2.0]), adjit.zeros(1)).tolist() == [4.0]
    bce = F.binary_cross_entropy_with_logits(adjit.tensor([0.0]), adjit.tensor([1.0]))
    assert bce.item() == pytest.approx(0.6931472)
    with pytest.raises(adjit.Error, match="reduction"):
        F.mse_loss(adjit.zeros(1), adjit.zeros(1), reduction="avg")


def test_sgd_and_adam_follow_pytorch_rules():
    w = adjit.tensor([1.0, -2.0], requires_grad=True)
    opt = adjit.optim.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    # PyTorch: v1 = g0, w1 = w0 - 0.1 g0; v2 = 0.9 v1 + g1, w2 = w1 - 0.1 v2
    w0 = [1.0, -2.0]
    w1 = [x - 0.1 * 2 * x for x in w0]
    w2 = [a - 0.1 * (0.9 * 2 * b + 2 * a) for a, b in zip(w1, w0)]
    assert w.tolist() == pytest.approx(w2)
    v = adjit.tensor([1.0], requires_grad=True)
    adam = adjit.optim.Adam([v], lr=0.1)
    adam.zero_grad()
    (v * 3).sum().backward()
    adam.step()
    assert v.tolist() == pytest.approx([0.9], rel=1e-5)
    with pytest.raises(adjit.Error):
        adjit.optim.SGD([v], lr=-1.0)


def test_optimizer_takes_module_parameters_generator():
    net = Net()
    opt = adjit.optim.SGD(net.parameters(), lr=0.01)
    assert len(opt.parameters()) == 4
    before = net.fc1.weight.clone()
    net(adjit.ones(1, 3)).sum().backward()
    opt.step()
    assert not adjit.equal(before, net.fc1.weight)
