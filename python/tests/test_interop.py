"""Zero-copy sharing with NumPy and DLPack (and torch, when it is installed)."""

import gc

import numpy as np
import pytest

import adjit


def test_from_numpy_shares_memory():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = adjit.from_numpy(a)
    assert t.dtype == adjit.float32 and t.shape == (2, 3)
    assert t.data_ptr() == a.ctypes.data
    a[0, 0] = 42
    assert t[0, 0].item() == 42
    t[1, 2] = -1
    assert a[1, 2] == -1
    for dtype, expected in ((np.float64, adjit.float64), (np.int64, adjit.int64),
                            (np.bool_, adjit.bool)):
        assert adjit.from_numpy(np.zeros(2, dtype=dtype)).dtype == expected


def test_from_numpy_keeps_the_array_alive():
    t = adjit.from_numpy(np.full(1000, 3.0))
    gc.collect()
    assert t.sum().item() == 3000.0


def test_from_numpy_strided_views_and_errors():
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    t = adjit.from_numpy(a[:, ::2])
    assert t.data_ptr() == a.ctypes.data
    assert t.stride() == (4, 2) and t.tolist() == [[0, 2], [4, 6], [8, 10]]
    assert adjit.from_numpy(a.T).tolist() == a.T.tolist()
    with pytest.raises(adjit.Error, match="strides"):
        adjit.from_numpy(a[::-1])
    with pytest.raises(adjit.Error, match="int32"):
        adjit.from_numpy(np.zeros(2, dtype=np.int32))
    with pytest.raises(TypeError):
        adjit.from_numpy([1.0, 2.0])
    # adjit.tensor copies, converting dtypes adjit does not share.
    c = adjit.tensor(np.array([1, 2], dtype=np.int32))
    assert c.dtype == adjit.int64 and c.tolist() == [1, 2]


def test_numpy_shares_memory_and_keeps_the_tensor_alive():
    t = adjit.arange(4, dtype=adjit.float64)
    a = t.numpy()
    assert a.dtype == np.float64 and a.ctypes.data == t.data_ptr()
    a[1] = 10
    assert t[1].item() == 10
    col = adjit.arange(6).reshape(2, 3)[:, 1].numpy()
    assert col.tolist() == [1, 4] and col.strides == (24,)
    view = adjit.ones(1000).numpy()  # the only reference to the tensor
    gc.collect()
    assert view.sum() == 1000
    with pytest.raises(adjit.Error, match="requires grad"):
        adjit.ones(2, requires_grad=True).numpy()
    assert np.asarray(adjit.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_dlpack_with_numpy_both_ways():
    t = adjit.arange(6, dtype=adjit.float32).reshape(2, 3)
    assert t.__dlpack_device__() == (1, 0)
    a = np.from_dlpack(t)
    assert a.ctypes.data == t.data_ptr() and a.tolist() == t.tolist()
    t[0, 1] = 7  # NumPy marks arrays from DLPack read-only
    assert a[0, 1] == 7
    del t
    gc.collect()
    assert a[0, 1] == 7  # the exported tensor lives while the array does
    b = np.arange(4, dtype=np.int64)
    u = adjit.from_dlpack(b)
    assert u.dtype == adjit.int64 and u.data_ptr() == b.ctypes.data
    del b
    gc.collect()
    assert u.tolist() == [0, 1, 2, 3]


def test_dlpack_capsule_can_be_used_once():
    capsule = adjit.to_dlpack(adjit.ones(3))
    t = adjit.from_dlpack(capsule)
    assert t.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(adjit.Error, match="already consumed"):
        adjit.from_dlpack(capsule)
    # An unconsumed capsule frees its tensor when it dies.
    adjit.to_dlpack(adjit.ones(3))
    gc.collect()
    with pytest.raises(adjit.Error, match="requires grad"):
        adjit.ones(1, requires_grad=True).__dlpack__()
    with pytest.raises(TypeError):
        adjit.from_dlpack(3)


def test_dlpack_with_torch_both_ways():
    torch = pytest.importorskip("torch")
    t = adjit.arange(6, dtype=adjit.float64).reshape(3, 2)[:, 1]
    p = torch.from_dlpack(t)
    assert p.data_ptr() == t.data_ptr() and p.tolist() == t.tolist()
    assert p.stride() == t.stride()
    p[0] = 100
    assert t[0].item() == 100
    q = torch.arange(4, dtype=torch.float32)
    u = adjit.from_dlpack(q)
    assert u.data_ptr() == q.data_ptr() and u.dtype == adjit.float32
    u[2] = -5
    assert q[2].item() == -5
    capsule = torch.utils.dlpack.to_dlpack(q)
    adjit.from_dlpack(capsule)
    with pytest.raises(adjit.Error, match="already consumed"):
        adjit.from_dlpack(capsule)
    with pytest.raises(adjit.Error, match="no adjit dtype"):
        adjit.from_dlpack(torch.zeros(2, dtype=torch.int32))
