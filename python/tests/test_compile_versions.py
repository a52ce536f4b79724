"""adjit.jit: the compiled versions a function keeps (max_compilations) and
the statistics that report them, tiers and the persistent cache."""

import os

import pytest

import adjit


def test_stats_report_every_field():
    f = adjit.jit.compile(lambda t: (t * 2.0).sum(), name="doubled")
    f(adjit.ones(3))
    f(adjit.ones(3))
    stats = f.stats
    assert stats["compilations"] == 1 and stats["cache_hits"] == 1
    assert stats["versions"] == 1
    assert stats["evictions"] == 0 and stats["stale_dropped"] == 0
    assert stats["last_reason"] == "first call"
    assert stats["fast_tier_calls"] + stats["optimized_tier_calls"] == 2
    assert stats["last_tier"] in ("fast", "optimized")
    assert 0 <= stats["disk_hits"] <= stats["compilations"]
    assert stats["tier_ups"] <= stats["tier_ups_scheduled"] <= 1
    assert isinstance(stats["tier_up_reason"], str)
    assert (stats["tier_up_reason"] == "") == (stats["tier_ups_scheduled"] == 0)


def test_keeps_the_most_recently_used_versions_up_to_the_limit():
    f = adjit.jit.compile(lambda t: (t * 2.0).sum(), name="scaled",
                          max_compilations=2)
    a, b, c = adjit.ones(1), adjit.ones(2), adjit.ones(3)
    assert f(a).item() == 2.0
    assert f(b).item() == 4.0
    assert f(a).item() == 2.0  # a is now the most recent
    assert f(c).item() == 6.0  # drops b, not a
    stats = f.stats
    assert stats["compilations"] == 3
    assert stats["evictions"] == 1 and stats["versions"] == 2
    assert f(a).item() == 2.0
    assert f.stats["compilations"] == 3
    assert f(b).item() == 4.0  # compiled again, dropping c
    stats = f.stats
    assert stats["compilations"] == 4 and stats["evictions"] == 2
    assert stats["last_reason"] == "input 0 changed shape from [3] to [2]"


def test_the_default_keeps_eight_versions():
    f = adjit.jit.compile(lambda t: t.sum(), name="summed")
    for n in range(1, 10):
        f(adjit.ones(n))
    stats = f.stats
    assert stats["compilations"] == 9
    assert stats["versions"] == 8 and stats["evictions"] == 1


def test_drops_versions_whose_captured_tensor_was_released():
    weights = {"w": adjit.tensor([1.0, 2.0])}
    f = adjit.jit.compile(lambda t: (t * weights["w"]).sum(), name="weighted")
    x = adjit.ones(2)
    assert f(adjit.ones(3, 2)).item() == 9.0
    assert f(x).item() == 3.0
    assert f.stats["versions"] == 2
    # Both versions captured the old tensor: they can never run again.
    weights["w"] = adjit.tensor([3.0, 4.0])
    assert f(x).item() == 7.0
    stats = f.stats
    assert stats["compilations"] == 3
    assert stats["last_reason"] == "captured tensor 0 was released"
    assert stats["stale_dropped"] == 2 and stats["versions"] == 1


@pytest.mark.parametrize("bad", [0, -1])
def test_rejects_keeping_no_version(bad):
    with pytest.raises(adjit.Error, match="max_compilations of 'none' must be "
                       "at least 1, got %d" % bad):
        adjit.jit.compile(lambda t: t, name="none", max_compilations=bad)


def test_train_step_takes_max_compilations():
    w = adjit.ones(1, requires_grad=True)
    step = adjit.jit.TrainStep(lambda x: (x * w).sum(),
                               adjit.optim.SGDOptions(0.1),
                               max_compilations=1)
    step(adjit.ones(1))
    step(adjit.ones(2))
    step(adjit.ones(1))
    stats = step.stats
    assert stats["compilations"] == 3
    assert stats["versions"] == 1 and stats["evictions"] == 2
    with pytest.raises(adjit.Error, match="must be at least 1, got 0"):
        adjit.jit.TrainStep(lambda x: (x * w).sum(),
                            adjit.optim.SGDOptions(0.1), max_compilations=0)


@pytest.mark.skipif(os.environ.get("ADJIT_TIERING") == "fast",
                    reason="ADJIT_TIERING=fast compiles no optimized tier")
def test_wait_for_tier_ups_lets_later_calls_run_optimized_code():
    f = adjit.jit.compile(lambda t: (t * 3.0).sum(), name="tripled")
    x = adjit.ones(4)
    # Calls up to the tier-up threshold queue the optimized compile (or find
    # optimized code in the persistent cache).
    for _ in range(1000):
        assert f(x).item() == 12.0
        stats = f.stats
        if stats["tier_ups_scheduled"] > 0 or stats["last_tier"] == "optimized":
            break
    adjit.jit.wait_for_tier_ups()
    assert f(x).item() == 12.0
    assert f.stats["last_tier"] == "optimized"
    adjit.jit.wait_for_tier_ups()  # nothing queued: returns at once
