"""unique / unique_consecutive against torch with NaNs and signed zeros (issue 16).

NaN never equals NaN, so torch keeps every NaN; which of several equal-comparing elements comes
first (the NaN inverse indices, the sign of a zero) is what torch's sort leaves, so the rows
below are long enough (> 16 elements) to go through its introsort, not only insertion sort.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises

_FLAGS = {"return_inverse": True, "return_counts": True}
_OPS = {
    "unique": lambda lib, x: lib.unique(x, **_FLAGS),
    "unique_unsorted": lambda lib, x: lib.unique(x, sorted=False, **_FLAGS),
    "unique_values": lambda x: x.unique(),
    "unique_counts": lambda x: x.unique(return_counts=True),
    "consecutive": lambda lib, x: lib.unique_consecutive(x, **_FLAGS),
    "consecutive_method": lambda x: x.unique_consecutive(return_counts=True),
    "dim0": lambda lib, x: lib.unique(x, dim=0, **_FLAGS),
    "dim_last": lambda lib, x: lib.unique(x, dim=-1, **_FLAGS),
    "dim0_values": lambda x: x.unique(dim=0),
    "consecutive_dim0": lambda lib, x: lib.unique_consecutive(x, dim=0, **_FLAGS),
    "consecutive_dim_last": lambda x: x.unique_consecutive(dim=-1, return_inverse=True),
}


def _with_specials(shape, seed: int, dtype: str, nan: float = 0.25) -> np.ndarray:
    """Small integers (many repeats) with NaNs and -0.0 mixed in."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 3, size=shape).astype(np.float64)
    a[rng.random(shape) < nan] = np.nan
    a[rng.random(shape) < 0.1] = -0.0
    return a.astype(dtype)


@pytest.mark.parametrize("op", list(_OPS))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape", [(7,), (40,), (300,), (6, 3), (45, 2), (3, 4, 5)])
def test_unique_keeps_each_nan(op, dtype, shape):
    a = _with_specials(shape, seed=sum(shape), dtype=dtype)
    check(_OPS[op], inputs=[a], grad=False)


@pytest.mark.parametrize("op", ["unique", "dim0", "consecutive_dim0"])
@pytest.mark.parametrize("seed", range(6))
def test_unique_mostly_nan(op, seed):
    """Mostly NaN: partitions degenerate, the case where torch's sort order is most irregular."""
    check(_OPS[op], inputs=[_with_specials((80, 2), seed, "float32", nan=0.8)], grad=False)


def test_unique_all_nan_and_no_nan():
    check(_OPS["unique"], inputs=[np.full(20, np.nan, np.float32)], grad=False)
    check(_OPS["dim0"], inputs=[np.full((20, 3), np.nan, np.float32)], grad=False)
    check(_OPS["dim0"], inputs=[np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]], np.float32)],
          grad=False)


def test_unique_signed_zero_comes_from_torch_sort():
    """-0.0 == 0.0: one group whose printed sign is the element torch's sort puts first."""
    a = _with_specials((60,), seed=3, dtype="float32", nan=0.0)
    e, t = check(_OPS["unique"], inputs=[a], grad=False)
    assert np.array_equal(np.signbit(e[0].numpy()), np.signbit(t[0].numpy()))
    e, t = check(_OPS["dim0"], inputs=[a.reshape(30, 2)], grad=False)
    assert np.array_equal(np.signbit(e[0].numpy()), np.signbit(t[0].numpy()))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("op", list(_OPS))
def test_unique_integer_and_bool(op, dtype):
    a = np.random.default_rng(1).integers(0, 3, size=(20, 3)).astype(dtype)
    check(_OPS[op], inputs=[a], grad=False)


_DIM_OPS = ["dim0", "dim_last", "dim0_values", "consecutive_dim0", "consecutive_dim_last"]


@pytest.mark.parametrize("op", [op for op in _OPS if op not in _DIM_OPS])
@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (0, 0), (2, 0, 3), ()])
def test_unique_empty_and_scalar_without_dim(op, shape):
    check(_OPS[op], inputs=[np.zeros(shape, np.float32)], grad=False)


@pytest.mark.parametrize("op,shape", [
    ("dim0", (0, 3)), ("dim0", (0,)), ("dim_last", (3, 0)), ("consecutive_dim0", (0, 4)),
    ("consecutive_dim_last", (2, 0)),
])
def test_unique_dim_of_size_zero(op, shape):
    check(_OPS[op], inputs=[np.zeros(shape, np.float32)], grad=False)


@pytest.mark.parametrize("op", _DIM_OPS)
@pytest.mark.parametrize("shape", [(), (0, 0), (2, 0, 3)])
def test_unique_dim_refused(op, shape):
    """0-d input (IndexError); a zero-size dim that is not `dim`, or two (RuntimeError)."""
    check_raises(_OPS[op], inputs=[np.zeros(shape, np.float32)])


def test_unique_dim_unselected_zero_size():
    check_raises(_OPS["dim0"], inputs=[np.zeros((3, 0), np.float32)])
    check_raises(_OPS["dim_last"], inputs=[np.zeros((0, 3), np.float32)])
