"""Large 1-d complex FFTs by the four-step (Bailey) decomposition, on NumPy's pocketfft.

One long pocketfft transform runs out of cache and misses the SIMD path NumPy takes for a batch
of rows; the same work cut into N1 transforms of N2 points and N2 of N1 points stays in cache and
vectorises: with N = N1 * N2, n = N2 * n1 + n2 and k = k1 + N1 * k2,

    X[k1 + N1 k2] = sum_n2 w_N^(n2 k1) w_N2^(n2 k2) sum_n1 x[N2 n1 + n2] w_N1^(n1 k1).

So: transform the (N1, N2) view along N1, multiply by the twiddles w_N^(k1 n2), transform along
N2 straight into the output read transposed (its (N2, N1) view), scaling in that pass. Used by
ops/spectral.py's C2C on a last axis of at least _MIN_SIZE points with fewer rows than NumPy
batches in SIMD (4 complex64, 2 complex128), splitting at a factor near sqrt(N) / 4 (short
strided columns, rows of ~4096: the fastest split measured). One thread, 2^20 complex64 points:
8.5 ms against 16.8 ms for pocketfft in one piece and torch's 11.1 ms; 2^15: 0.18 against 0.40.
Errors stay at pocketfft's level: the twiddles are computed in float64 from exact integer
phases, then rounded once.
"""
from __future__ import annotations

import math

import numpy as np

from ._fft_pocket import _REAL_OF, _pfu, _scale

_MIN_SIZE = 1 << 12
_MIN_FACTOR = 16
_SIMD_ROWS = {8: 4, 16: 2}  # by itemsize: rows from which NumPy's batch loop is as fast
_TWIDDLES: dict = {}  # (n1, n2, dtype, sign) -> (n1, n2) read-only array, least recent first
_MAX_CACHED_BYTES = 64 << 20
_BLOCK = 1 << 16  # twiddle entries computed at a time (bounds the float64 temporaries)


def split(n: int, rows: int, itemsize: int):
    """(n1, n2) with n1 * n2 == n and n1 the largest divisor <= sqrt(n) / 4, or None when n is
    short, the rows are many or no factor is at least _MIN_FACTOR (the steps would not pay)."""
    if n < _MIN_SIZE or rows >= _SIMD_ROWS.get(itemsize, 1) or _pfu is None:
        return None
    n1 = math.isqrt(n) // 4
    while n % n1:
        n1 -= 1
    return (n1, n // n1) if n1 >= _MIN_FACTOR else None


def _twiddles(n1: int, n2: int, dtype, sign: int):
    """w_N^(k1 n2) for k1 < n1, n2 < n2 with w_N = exp(sign 2 pi i / N), in `dtype`."""
    key = (n1, n2, dtype, sign)
    t = _TWIDDLES.pop(key, None)
    if t is None:
        n = n1 * n2
        t = np.empty((n1, n2), dtype)
        cols = np.arange(n2, dtype=np.int64)
        rows = max(1, _BLOCK // n2)
        for r in range(0, n1, rows):
            phase = (np.arange(r, min(r + rows, n1), dtype=np.int64)[:, None] * cols) % n
            t[r:r + rows] = np.exp(phase * (sign * 2j * math.pi / n))
        t.flags.writeable = False
        while _TWIDDLES and sum(v.nbytes for v in list(_TWIDDLES.values())) + t.nbytes > \
                _MAX_CACHED_BYTES:
            _TWIDDLES.pop(next(iter(_TWIDDLES), None), None)
    _TWIDDLES[key] = t  # (re)inserted last: the most recently used
    return t


def c2c_last(x, n1: int, n2: int, forward: bool, mode: int):
    """The complex FFT of NumPy array x (complex64/complex128) along its last axis (length
    n1 * n2), unscaled (mode 0), or scaled by 1/sqrt(N) (mode 1) or 1/N (mode 2)."""
    ufunc = _pfu.fft if forward else _pfu.ifft
    real = _REAL_OF[x.dtype]
    batch = x.shape[:-1]
    y = np.empty(x.shape, x.dtype)
    b = np.empty(batch + (n1, n2), x.dtype)
    ufunc(x.reshape(batch + (n1, n2)), real.type(1), axes=[(-2,), (), (-2,)], out=b)
    b *= _twiddles(n1, n2, x.dtype, -1 if forward else 1)
    ufunc(b, _scale(real, n1 * n2, mode), axes=[(-1,), (), (-1,)],
          out=np.swapaxes(y.reshape(batch + (n2, n1)), -1, -2))
    return y
