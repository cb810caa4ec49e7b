"""Differential tests of ember/ops/windows.py (torch.*_window) against torch."""
from __future__ import annotations

import pytest

from tests.oracle import check, check_raises

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


def same(fn, **kw):
    return check(fn, inputs=[], grad=False, **kw)


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("n", [0, 1, 2, 7, 64])
@pytest.mark.parametrize("periodic", [True, False])
def test_window(name, n, periodic):
    same(lambda lib: getattr(lib, name)(n, periodic))
    same(lambda lib: getattr(lib, name)(n, periodic, dtype=lib.float64))


def test_window_defaults_and_options():
    same(lambda lib: lib.hann_window(16))  # periodic=True
    same(lambda lib: lib.hamming_window(9, False, 0.6, 0.4))
    same(lambda lib: lib.kaiser_window(10, True, 5.0, dtype=lib.float64))
    same(lambda lib: lib.kaiser_window(10, False, 0.0))
    same(lambda lib: lib.hann_window(5, dtype=lib.float64, requires_grad=True).requires_grad)
    same(lambda lib: lib.hann_window(5, device="cpu"))


def test_window_default_dtype():
    def fn(lib):
        old = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            return lib.blackman_window(6)
        finally:
            lib.set_default_dtype(old)
    same(fn)


@pytest.mark.parametrize("name", WINDOWS)
def test_window_errors(name):
    check_raises(lambda lib: getattr(lib, name)(-1), inputs=[], match="non-negative")
    check_raises(lambda lib: getattr(lib, name)(4, dtype=lib.int64), inputs=[],
                 match="expects floating point dtypes")
    check_raises(lambda lib: getattr(lib, name)(2.5), inputs=[])
    check_raises(lambda lib: getattr(lib, name)(4, dtype=lib.complex64), inputs=[])


# ---- torch.signal.windows (ember/signal/windows.py) -------------------------------------------

SIGNAL = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "hamming", "hann",
          "kaiser", "nuttall"]


@pytest.mark.parametrize("name", SIGNAL)
@pytest.mark.parametrize("m", [0, 1, 2, 9])
@pytest.mark.parametrize("sym", [True, False])
def test_signal_window(name, m, sym):
    same(lambda lib: getattr(lib.signal.windows, name)(m, sym=sym), atol=2e-6)
    same(lambda lib: getattr(lib.signal.windows, name)(m, sym=sym, dtype=lib.float64))


def test_signal_window_options():
    same(lambda lib: lib.signal.windows.general_cosine(8, a=[0.5, 0.3, 0.2]))
    same(lambda lib: lib.signal.windows.general_hamming(8, alpha=0.6, sym=False))
    same(lambda lib: lib.signal.windows.exponential(7, center=2.0, tau=0.5, sym=False))
    same(lambda lib: lib.signal.windows.gaussian(7, std=0.7))
    same(lambda lib: lib.signal.windows.kaiser(7, beta=3.0, dtype=lib.float64))


@pytest.mark.parametrize("call", [
    lambda lib: lib.signal.windows.hann(-1),
    lambda lib: lib.signal.windows.hann(3, dtype=lib.int64),
    lambda lib: lib.signal.windows.gaussian(3, std=-1.0),
    lambda lib: lib.signal.windows.exponential(3, tau=0.0),
    lambda lib: lib.signal.windows.exponential(3, center=1.0),
    lambda lib: lib.signal.windows.kaiser(3, beta=-1.0),
    lambda lib: lib.signal.windows.general_cosine(3, a=[]),
    lambda lib: lib.signal.windows.general_cosine(3, a=1.0),
])
def test_signal_window_errors(call):
    check_raises(call, inputs=[])
