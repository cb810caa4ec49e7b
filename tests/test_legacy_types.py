"""ember.FloatTensor, LongTensor, ... against torch's legacy types: constructors (sizes, data,
an existing tensor), isinstance checks by dtype, Tensor.type() conversions and names."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor",
         "IntTensor", "LongTensor", "BoolTensor"]


@pytest.mark.parametrize("name", NAMES)
def test_constructors_match_torch(name):
    T, E = getattr(torch, name), getattr(ember, name)
    for args in [(2, 3), (), (ember.Size([2, 1]),)]:
        targs = tuple(torch.Size(a) if isinstance(a, ember.Size) else a for a in args)
        t, e = T(*targs), E(*args)
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    for data in ([1, 0, 2], [[1.5, 2.25], [0.0, 3.0]], []):
        t, e = T(data), E(data)
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_and_type_conversions(name):
    T, E = getattr(torch, name), getattr(ember, name)
    for dtype in ("float32", "float64", "int64", "uint8", "bool"):
        t = torch.ones(2, dtype=getattr(torch, dtype))
        e = ember.ones(2, dtype=getattr(ember, dtype))
        assert isinstance(e, E) == isinstance(t, T)
        assert e.type() == t.type()
        assert str(e.type(E).dtype) == str(t.type(T).dtype)
    assert isinstance(ember.nn.Parameter(ember.ones(1)), ember.FloatTensor)
    assert not isinstance([1.0], E)
    assert E.__name__ == T.__name__ and str(E.dtype) == str(T.dtype)


def test_existing_tensor_passes_through_or_raises_typeerror():
    x = ember.ones(2)
    assert ember.FloatTensor(x) is x
    with pytest.raises(TypeError):
        torch.FloatTensor(torch.ones(2, dtype=torch.int64))
    with pytest.raises(TypeError):
        ember.FloatTensor(ember.ones(2, dtype=ember.int64))
    with pytest.raises(TypeError):
        torch.FloatTensor("a")
    with pytest.raises(TypeError):
        ember.FloatTensor("a")


@pytest.mark.parametrize("data", [[-2.25], [300], [-1], [255.5], [1.7]], ids=str)
def test_out_of_range_data_like_torch(data):
    """Floats must fit the integer type; negative Python ints wrap into unsigned types."""
    for lib_t, lib_e in ((torch.ByteTensor, ember.ByteTensor),
                         (lambda d: torch.tensor(d, dtype=torch.uint8),
                          lambda d: ember.tensor(d, dtype=ember.uint8))):
        try:
            want = lib_t(data).tolist()
        except RuntimeError:
            with pytest.raises(RuntimeError, match="without overflow"):
                lib_e(data)
        else:
            assert lib_e(data).tolist() == want
