"""ember/_libm.py: each function equals the C library's (Python's math) bit for bit, whatever SIMD
NumPy dispatches to on this CPU; the samplers' streams built on it are checked against torch in
tests/test_random.py."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ember import _libm

_RNG = np.random.default_rng(0)
_U = _RNG.random(20_000)
_INPUTS = {
    "log": _U,
    "log1p": -_U,
    "exp": 20.0 * (_U - 0.5),
    "tan": math.pi * (_U - 0.5),
    "cos": 2.0 * math.pi * _U,
    "sin": 2.0 * math.pi * _U,
}


@pytest.mark.parametrize("name", sorted(_INPUTS))
def test_matches_libm_bit_for_bit(name):
    x = _INPUTS[name]
    got = getattr(_libm, name)(x)
    want = np.array([getattr(math, name)(v) for v in x.tolist()])
    assert got.dtype == np.float64 and got.shape == x.shape
    np.testing.assert_array_equal(got, want)


def test_edges_follow_ieee_not_math_errors():
    """math raises on log(0) and exp overflow; the array versions give -inf/nan/inf as NumPy."""
    assert np.array_equal(_libm.log(np.array([0.0, 1.0])), [-np.inf, 0.0])
    assert np.isnan(_libm.log(np.array([-1.0]))[0])
    assert np.array_equal(_libm.log1p(np.array([-1.0])), [-np.inf])
    assert np.array_equal(_libm.exp(np.array([1000.0, 0.0])), [np.inf, 1.0])
    assert _libm.log(np.zeros((2, 0))).shape == (2, 0)


def test_large_inputs_stay_exact():
    """Past NumPy's buffer and chunk sizes the chosen path still equals libm."""
    x = np.random.default_rng(1).random(150_000)
    want = np.array([math.log(v) for v in x.tolist()])
    np.testing.assert_array_equal(_libm.log(x), want)
    np.testing.assert_array_equal(_libm.log(x.reshape(300, 500)), want.reshape(300, 500))
