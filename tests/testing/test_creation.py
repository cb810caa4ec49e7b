"""ember.testing.make_tensor against torch.testing.make_tensor: after the same seed the same values,
dtype, shape and strides; the same errors for bad bounds."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.testing import make_tensor

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"]
OPTIONS = [
    {},
    {"low": -1, "high": 1},
    {"low": 0.5, "high": 2.5},
    {"low": -300},
    {"high": 1000},
    {"low": -1e40},
    {"noncontiguous": True},
    {"exclude_zero": True, "low": -1, "high": 1},
]


def _make(f, shape, dtype, **kw):
    f.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f.testing.make_tensor(shape, dtype=getattr(f, dtype), device="cpu", **kw)


def _outcome(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return None, (type(e), str(e))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("shape", [(7,), (2, 3), (), (0, 4)], ids=str)
def test_same_tensor_as_torch(dtype, options, shape):
    want, werr = _outcome(lambda: _make(torch, shape, dtype, **options))
    got, gerr = _outcome(lambda: _make(ember, shape, dtype, **options))
    assert gerr == werr
    if want is None:
        return
    assert str(got.dtype) == str(want.dtype)
    assert tuple(got.shape) == tuple(want.shape)
    assert got.stride() == want.stride()
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("kw", [
    {"low": 5, "high": 1}, {"low": float("nan")}, {"low": 2, "high": 2, "dtype": "int64"},
    {"requires_grad": True, "dtype": "int64"}, {"low": 3, "dtype": "bool"},
    {"low": 300, "dtype": "int8"}, {"high": -200, "dtype": "int8"},
], ids=str)
def test_bad_bounds_raise_torchs_errors(kw):
    kw = dict(kw)
    dtype = kw.pop("dtype", "float32")
    _, want = _outcome(lambda: _make(torch, (3,), dtype, **kw))
    _, got = _outcome(lambda: _make(ember, (3,), dtype, **kw))
    assert want is not None and got == want


def test_noncontiguous_excludes_memory_format():
    fmt = object()  # checked before it is used: any memory format is refused
    _, want = _outcome(lambda: _make(torch, (3,), "float32", noncontiguous=True, memory_format=fmt))
    _, got = _outcome(lambda: _make(ember, (3,), "float32", noncontiguous=True, memory_format=fmt))
    assert want is not None and got == want


def test_low_equal_high_warns_and_fills():
    with pytest.warns(FutureWarning, match="low==high"):
        t = make_tensor((3,), dtype=ember.float32, device="cpu", low=2, high=2)
    assert t.tolist() == [2.0, 2.0, 2.0]


def test_variadic_shape_and_requires_grad():
    ember.manual_seed(0)
    a = make_tensor(2, 3, dtype=ember.float64, device="cpu", requires_grad=True)
    torch.manual_seed(0)
    b = torch.testing.make_tensor(2, 3, dtype=torch.float64, device="cpu", requires_grad=True)
    assert a.requires_grad and a.is_leaf
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
