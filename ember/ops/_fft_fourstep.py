"""Large 1-d complex FFTs by the four-step (Bailey) decomposition, on NumPy's pocketfft.

NumPy's pocketfft runs one long transform (2^20 complex64 points: 8 MB) out of cache and takes
about twice as long as the same work cut into N1 transforms of N2 points and N2 of N1 points:
with N = N1 * N2, n = N2 * n1 + n2 and k = k1 + N1 * k2,

    X[k1 + N1 k2] = sum_n2 w_N^(n2 k1) w_N2^(n2 k2) sum_n1 x[N2 n1 + n2] w_N1^(n1 k1).

So: transform the (N1, N2) view along N1, multiply by the twiddles w_N^(k1 n2), transform along
N2 and read the result transposed. Used by ops/spectral.py's C2C for one axis of at least
_MIN_SIZE points that factors into two halves of at least _MIN_FACTOR (measured on a 2^20-point
complex64 transform: 24 ms against pocketfft's 44 ms, one thread). Errors stay at pocketfft's
level: the twiddles are computed in float64 from exact integer phases, then rounded once.
"""
from __future__ import annotations

import math

import numpy as np

_MIN_SIZE = 1 << 18
_MIN_FACTOR = 64
_TWIDDLES: dict = {}  # (n1, n2, dtype, sign) -> (n1, n2) read-only array; a few entries at most
_MAX_CACHED = 4


def split(n: int):
    """(n1, n2) with n1 * n2 == n and n1 the largest divisor <= sqrt(n), or None when n is
    small or has no balanced factorisation (the four steps would not pay)."""
    if n < _MIN_SIZE:
        return None
    n1 = math.isqrt(n)
    while n % n1:
        n1 -= 1
    return (n1, n // n1) if n1 >= _MIN_FACTOR else None


def _twiddles(n1: int, n2: int, dtype, sign: int):
    """w_N^(k1 n2) for k1 < n1, n2 < n2 with w_N = exp(sign 2 pi i / N), in `dtype`."""
    key = (n1, n2, dtype, sign)
    t = _TWIDDLES.get(key)
    if t is None:
        n = n1 * n2
        phase = (np.arange(n1, dtype=np.int64)[:, None] * np.arange(n2, dtype=np.int64)) % n
        angle = phase * (sign * 2.0 * math.pi / n)
        t = np.empty((n1, n2), np.complex128)
        np.cos(angle, out=t.real)
        np.sin(angle, out=t.imag)
        t = t.astype(dtype, copy=False)
        t.flags.writeable = False
        if len(_TWIDDLES) >= _MAX_CACHED:
            _TWIDDLES.pop(next(iter(_TWIDDLES)))
        _TWIDDLES[key] = t
    return t


def c2c_last(x, n1: int, n2: int, forward: bool, mode: int):
    """The complex FFT of NumPy array x (complex64/complex128) along its last axis (length
    n1 * n2), unscaled (mode 0), or scaled by 1/sqrt(N) (mode 1) or 1/N (mode 2)."""
    fft = np.fft.fft if forward else np.fft.ifft
    norm = "backward" if forward else "forward"  # both leave the transform unscaled
    a = x.reshape(x.shape[:-1] + (n1, n2))
    b = fft(a, axis=-2, norm=norm)
    b *= _twiddles(n1, n2, x.dtype, -1 if forward else 1)
    c = fft(b, axis=-1, norm=norm)
    y = np.ascontiguousarray(np.swapaxes(c, -1, -2)).reshape(x.shape)
    if mode:
        n = n1 * n2
        y *= y.real.dtype.type(1.0 / (math.sqrt(n) if mode == 1 else n))
    return y.astype(x.dtype, copy=False)
