"""Differential tests of ember/fft.py (torch.fft) against torch: values, dtypes, gradients."""
from __future__ import annotations

import pytest

from tests.oracle import check, check_raises

ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
MULTI = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2",
         "ihfft2", "hfftn", "ihfftn"]
REAL_ONLY = ("rfft", "ihfft")


def _dtypes(name):
    real = ["float32", "float64"]
    return real if name.startswith(REAL_ONLY) else real + ["complex64", "complex128"]


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("kw", [{}, {"n": 7}, {"n": 3, "dim": 0, "norm": "ortho"},
                                {"norm": "forward"}, {"dim": -2, "norm": "backward"}])
def test_fft_1d(name, kw):
    for dtype in _dtypes(name):
        check(lambda lib, x: getattr(lib.fft, name)(x, **kw), shapes=[(4, 6)], dtype=dtype)


@pytest.mark.parametrize("name", MULTI)
@pytest.mark.parametrize("kw", [{}, {"s": (3, 4)}, {"dim": (0, 2), "norm": "ortho"},
                                {"s": (5, -1), "dim": (2, 0), "norm": "forward"}])
def test_fft_nd(name, kw):
    for dtype in _dtypes(name):
        check(lambda lib, x: getattr(lib.fft, name)(x, **kw), shapes=[(3, 4, 5)], dtype=dtype)


@pytest.mark.parametrize("name", ["fft", "rfft", "ifft", "fftn", "rfftn", "irfft", "hfft"])
def test_fft_of_integers_and_odd_lengths(name):
    check(lambda lib, x: getattr(lib.fft, name)(x), shapes=[(5,)], dtype="int64", grad=False)
    check(lambda lib, x: getattr(lib.fft, name)(x), shapes=[(3,)], dtype="float64")


def test_fft_second_order():
    check(lambda lib, x: lib.fft.rfft(x).abs().pow(2.0), shapes=[(6,)], dtype="float64")
    check(lambda lib, x: lib.fft.irfft(lib.fft.rfft(x) * 2.0, n=6), shapes=[(6,)],
          dtype="float64", grad2=True)


def test_fft_out():
    def fn(lib, x):
        out = lib.empty(3, dtype=lib.complex64)
        r = lib.fft.rfft(x, out=out)
        return r, out
    check(fn, shapes=[(4,)], grad=False)


def test_fft_roundtrip():
    check(lambda lib, x: lib.fft.irfftn(lib.fft.rfftn(x), s=x.shape), shapes=[(4, 6)])
    check(lambda lib, x: lib.fft.ifft(lib.fft.fft(x)), shapes=[(5,)], dtype="complex64")


@pytest.mark.parametrize("n,d", [(1, 1.0), (5, 1.0), (6, 0.25)])
def test_fftfreq(n, d):
    check(lambda lib: lib.fft.fftfreq(n, d), inputs=[], grad=False)
    check(lambda lib: lib.fft.rfftfreq(n, d), inputs=[], grad=False)
    check(lambda lib: lib.fft.fftfreq(n, d, dtype=lib.float64), inputs=[], grad=False)
    check(lambda lib: lib.fft.rfftfreq(n, d, dtype=lib.float64), inputs=[], grad=False)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dim", [None, 0, (1,), (-1, 0)])
def test_fftshift(name, dim):
    check(lambda lib, x: getattr(lib.fft, name)(x, dim), shapes=[(4, 5)])


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.fft.fft(x, norm="bad"),
    lambda lib, x: lib.fft.fft(x, n=0),
    lambda lib, x: lib.fft.rfft(x.to(lib.complex64)),
    lambda lib, x: lib.fft.ihfft(x.to(lib.complex64)),
    lambda lib, x: lib.fft.fftn(x, dim=(0, 0)),
    lambda lib, x: lib.fft.fftn(x, s=(2,), dim=(0, 1)),
    lambda lib, x: lib.fft.irfft(x[0, :1]),
    lambda lib, x: lib.fft.fft(x, dim=2),
    lambda lib, x: lib.fft.fft(x.half()),
    lambda lib, x: lib.fft.fft(x[0, 0]),
    lambda lib, x: lib.fft.fftn(x, s=(0, 3)),
    lambda lib, x: lib.fft.fftn(x, s=(1, 2, 3)),
])
def test_fft_errors(call):
    check_raises(call, shapes=[(4, 4)])
