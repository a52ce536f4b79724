"""Bad input from Python: clean exceptions with the C++ message, no crash."""

import pytest

import adjit


def test_error_is_a_runtime_error_with_the_cpp_message():
    assert issubclass(adjit.Error, RuntimeError)
    with pytest.raises(RuntimeError) as info:
        adjit.ones(2, 3) + adjit.ones(4)
    assert "add" in str(info.value) and "[2, 3]" in str(info.value) and "[4]" in str(info.value)
    with pytest.raises(adjit.Error, match="matmul"):
        adjit.ones(2, 3) @ adjit.ones(2, 3)
    with pytest.raises(adjit.Error):
        adjit.ones(2).reshape(3)
    with pytest.raises(adjit.Error):
        adjit.ones(2).item()
    with pytest.raises(adjit.Error):
        adjit.zeros(-1)
    with pytest.raises(adjit.Error):
        adjit.ones(2).sum(5)


def test_wrong_types_raise_type_error():
    # As PyTorch: arguments of the wrong type are a TypeError.
    with pytest.raises(TypeError):
        adjit.zeros("a")
    with pytest.raises(TypeError):
        adjit.ones(2).matmul(3)
    with pytest.raises(TypeError):
        adjit.ones(2)["a"]
    with pytest.raises(TypeError):
        adjit.optim.SGD([1.0], lr=0.1)
    with pytest.raises(TypeError):
        adjit.ones(2).to("cuda")
    with pytest.raises(TypeError):
        len(adjit.tensor(1.0))
