"""Golden tests: repr(ember tensor) must equal repr(torch tensor) byte for byte."""
from __future__ import annotations

import time
import zlib

import numpy as np
import pytest
import torch

import ember
from ember import _printing
from tests.oracle import to_ember

FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint8", "bool"]
SHAPES = [(), (0,), (0, 3), (5,), (3, 4), (2, 3, 4), (2000,), (40, 40), (3, 1000), (7, 1, 3)]
OPTIONS = [{}, {"precision": 2}, {"precision": 7}, {"sci_mode": False}, {"sci_mode": True},
           {"linewidth": 40}, {"threshold": 10, "edgeitems": 1}, {"edgeitems": 0}]


def _normal(rng, s):
    return rng.standard_normal(s)


VALUES = {
    "normal": _normal,
    "tiny": lambda rng, s: _normal(rng, s) * 1e-6,
    "large": lambda rng, s: _normal(rng, s) * 1e6,
    "huge": lambda rng, s: _normal(rng, s) * 1e10,
    "integers": lambda rng, s: np.round(_normal(rng, s) * 20),
    "big_integers": lambda rng, s: np.round(_normal(rng, s) * 1e5),
    "nan_inf": lambda rng, s: np.where(rng.random(s) < 0.3, np.nan,
                                       np.where(rng.random(s) < 0.3, -np.inf, _normal(rng, s))),
    "only_nan_inf": lambda rng, s: np.where(rng.random(s) < 0.5, np.nan, np.inf),
    "zeros": lambda rng, s: np.zeros(s),
    "negative_zero": lambda rng, s: np.where(rng.random(s) < 0.5, -0.0, 2.0),
    "negative": lambda rng, s: -np.abs(_normal(rng, s)),
    "spread": lambda rng, s: _normal(rng, s) * 10.0 ** rng.integers(-9, 9, s),
    "extreme": lambda rng, s: _normal(rng, s) * 1e150,
}


@pytest.fixture(autouse=True)
def _restore_printoptions():
    yield
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    ember.set_default_dtype(ember.float32)


def _set_both(**opts) -> None:
    torch.set_printoptions(**opts)
    ember.set_printoptions(**opts)


def _mismatch(t: torch.Tensor, e, label) -> str | None:
    want, got = repr(t), repr(e)
    if want != got:
        return f"{label}\n--- torch:\n{want}\n--- ember:\n{got}"
    return None


def _assert_all(failures: list) -> None:
    failures = [f for f in failures if f]
    assert not failures, f"{len(failures)} mismatches; first:\n" + failures[0]


# ---- the value grid -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("kind", list(VALUES))
def test_float_grid(kind, shape):
    rng = np.random.default_rng(zlib.crc32(f"{kind}{shape}".encode()))
    arr = np.asarray(VALUES[kind](rng, shape), dtype=np.float64)
    failures = []
    for dt in FLOATS:
        t = torch.from_numpy(arr.copy()).to(getattr(torch, dt))
        e = to_ember(t)
        for opts in OPTIONS:
            _set_both(**opts)
            failures.append(_mismatch(t, e, (dt, opts)))
            _set_both(profile="default")
    _assert_all(failures)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dt", INTS)
def test_int_bool_grid(dt, shape):
    rng = np.random.default_rng(3)
    low, high = {"bool": (0, 2), "uint8": (0, 256), "int8": (-128, 128)}.get(dt, (-10**5, 10**6))
    t = torch.from_numpy(rng.integers(low, high, shape)).to(getattr(torch, dt))
    e = to_ember(t)
    failures = []
    for opts in OPTIONS:
        _set_both(**opts)
        failures.append(_mismatch(t, e, opts))
        _set_both(profile="default")
    _assert_all(failures)


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -2.5, 1e-5, 123456789.0, 1e-300, float("nan"),
                                   float("inf"), -float("inf"), 0.1, 3.0])
@pytest.mark.parametrize("dt", FLOATS)
def test_scalar(dt, value):
    t = torch.tensor(value, dtype=getattr(torch, dt))
    assert repr(to_ember(t)) == repr(t)
    assert str(to_ember(t)) == str(t)


def test_mixed_rows_and_columns_align():
    t = torch.tensor([[1.5, -200.25, float("nan")], [1e-3, 7.0, -float("inf")]])
    assert repr(to_ember(t)) == repr(t)
    t = torch.tensor([[1.0, -1e5], [1e-5, 3.0]], dtype=torch.float64)
    assert repr(to_ember(t)) == repr(t)


# ---- suffixes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0,), (0, 2), (3, 30)], ids=str)
def test_requires_grad_leaf(dt, shape):
    t = torch.randn(shape, generator=torch.Generator().manual_seed(1)).to(getattr(torch, dt))
    t.requires_grad_(True)
    assert repr(to_ember(t)) == repr(t)


@pytest.mark.parametrize("fn", [
    lambda lib, x: x * 2,
    lambda lib, x: (x * 2).sum(),
    lambda lib, x: x + 1,
    lambda lib, x: x.exp(),
], ids=["mul", "sum", "add", "exp"])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_grad_fn(fn, dt):
    base = (torch.arange(6, dtype=getattr(torch, dt)).reshape(2, 3) - 2) * 0.75
    t_leaf = base.clone().requires_grad_(True)
    e_leaf = to_ember(base).requires_grad_(True)
    t_out, e_out = fn(torch, t_leaf), fn(ember, e_leaf)
    assert repr(e_out) == repr(t_out)


def test_suffix_wrapping_narrow_linewidth():
    t = torch.tensor([[1.25, 2.5], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    for width in (20, 30, 40, 50, 60):
        _set_both(linewidth=width)
        assert repr(to_ember(t)) == repr(t)


@pytest.mark.parametrize("dt", FLOATS + INTS)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0, 4)], ids=str)
def test_empty(dt, shape):
    t = torch.zeros(shape, dtype=getattr(torch, dt))
    assert repr(to_ember(t)) == repr(t)


@pytest.mark.parametrize("dt", FLOATS + ["int64", "int32", "bool"])
def test_default_dtype_float64(dt):
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    for shape in [(), (3,), (0,), (0, 2)]:
        t = torch.full(shape, 2.5 if dt in FLOATS else 3, dtype=getattr(torch, dt))
        assert repr(to_ember(t)) == repr(t)


def test_device_suffix_order():
    """A CUDA tensor names its device before size/dtype/grad (order checked on torch's meta)."""
    meta = repr(torch.zeros(2, dtype=torch.float64, device="meta"))
    assert meta.index("device=") < meta.index("size=") < meta.index("dtype=")

    class Tensor:
        """Just the attributes tensor_repr reads, on a host array, claiming cuda:0."""

        def __init__(self, e):
            self._e, self._data = e, e._data
            self.dtype, self.requires_grad, self.grad_fn = e.dtype, e.requires_grad, e.grad_fn
            self.device = ember.device("cuda", 0)
            self.shape, self.ndim = e.shape, e.ndim

        def numel(self):
            return self._e.numel()

    t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    got = _printing.tensor_repr(Tensor(to_ember(t)))
    assert got == repr(t).replace("tensor([1., 2.]", "tensor([1., 2.], device='cuda:0'")
    e = to_ember(torch.zeros(0, 3, dtype=torch.int32))
    assert (_printing.tensor_repr(Tensor(e))
            == "tensor([], device='cuda:0', size=(0, 3), dtype=torch.int32)")


def test_subclass_prefix():
    class MyT(torch.Tensor):
        pass

    class MyE(ember.Tensor):
        pass

    assert repr(MyE([1.5, 2.0])) == repr(MyT([1.5, 2.0])).replace("MyT", "MyE")


# ---- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("opts", [
    {}, {"profile": "short"}, {"profile": "full"}, {"profile": "default"}, {"precision": 3},
    {"threshold": 5}, {"edgeitems": 5}, {"linewidth": 120}, {"sci_mode": True},
    {"profile": "short", "precision": 6}, {"profile": "no-such-profile"},
], ids=str)
def test_set_and_get_printoptions(opts):
    _set_both(**opts)
    assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()
    t = torch.linspace(-5, 5, 23, dtype=torch.float64) ** 3
    assert repr(to_ember(t)) == repr(t)


def test_sci_mode_resets_when_omitted():
    _set_both(sci_mode=True)
    _set_both(precision=3)
    assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_restores():
    before = _printing.get_printoptions()
    with _printing.printoptions(precision=1, sci_mode=False):
        assert _printing.get_printoptions()["precision"] == 1
    assert _printing.get_printoptions() == before


def test_exported():
    assert ember.set_printoptions is _printing.set_printoptions
    assert "set_printoptions" in _printing.__all__


@pytest.mark.parametrize("edge", [0, 1, 2, 4])
@pytest.mark.parametrize("shape", [(12,), (5, 9), (3, 3, 3), (1, 20), (20, 1)], ids=str)
def test_summarise_edges(shape, edge):
    t = torch.arange(int(np.prod(shape)), dtype=torch.float32).reshape(shape) * 0.5
    _set_both(threshold=4, edgeitems=edge)
    assert repr(to_ember(t)) == repr(t)
    assert repr(to_ember(t.long())) == repr(t.long())


def test_non_contiguous():
    base = torch.randn(6, 8, generator=torch.Generator().manual_seed(2))
    e = to_ember(base)
    assert repr(ember.from_numpy(e._host().T)) == repr(base.t())
    assert repr(ember.from_numpy(e._host()[:, ::3])) == repr(base[:, ::3])


def test_large_tensor_is_fast():
    """Summarise before formatting: a million elements print in about the time of 36."""
    x = ember.from_numpy(np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32))
    repr(x)
    start = time.perf_counter()
    for _ in range(10):
        repr(x)
    assert (time.perf_counter() - start) / 10 < 0.02
