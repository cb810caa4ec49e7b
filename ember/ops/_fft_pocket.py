"""NumPy's pocketfft, called in the input's own precision: the engine of ops/spectral.py.

numpy.fft hands its gufuncs the scale factor as the Python int 1 whenever a transform is left
unscaled (the default forward fft/rfft), and NumPy's type resolution then picks the float64
loop: a float32 / complex64 input is cast to double and the result cast back. Calling the gufuncs
with a scale of the input's real dtype keeps single precision single, as torch computes it
(2^20 points, one thread: rfft 14.6 ms -> 6.7 ms, complex fft 47.5 -> 17.4 ms, a third of the
memory). Every function writes into `out` when given (any strides), so callers can place a
transform straight where it belongs; windowed_r2c is stft's window-and-transform, a block of
frames at a time. Arrays of other backends (CuPy) use their own xp.fft.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module

try:  # NumPy >= 2's gufuncs; without them, the public functions (same values, slower)
    from numpy.fft import _pocketfft_umath as _pfu
except ImportError:  # pragma: no cover - every supported NumPy has them
    _pfu = None

_REAL_OF = {np.dtype(np.complex64): np.dtype(np.float32),
            np.dtype(np.complex128): np.dtype(np.float64)}
# numpy's `norm` for a scaling mode (0: none, 1: 1/sqrt(n), 2: 1/n), by direction
_NORM_FWD = ("backward", "ortho", "forward")
_NORM_INV = ("forward", "ortho", "backward")


def _native(x) -> bool:
    return _pfu is not None and x.__class__ is np.ndarray


def _scale(real_dtype, n: int, mode: int):
    """The factor of scaling `mode` over n points, as a scalar of `real_dtype` (picks the loop)."""
    t = real_dtype.type
    if mode == 0:
        return t(1)
    return t(1.0 / math.sqrt(n)) if mode == 1 else t(1.0 / n)


def _count(x, axes) -> int:
    return math.prod(x.shape[a] for a in axes)


def _resized(shape, axis: int, n: int) -> tuple:
    return shape[:axis] + (n,) + shape[axis + 1:]


def _put(y, out):
    if out is None:
        return y
    out[...] = y
    return out


def c2c(x, axes, forward: bool, mode: int, out=None):
    """The complex transform of x (complex64/128) over `axes`, scaled per `mode`."""
    if not _native(x):
        f = array_module(x).fft
        norm = _NORM_FWD[mode] if forward else _NORM_INV[mode]
        if len(axes) == 1:
            y = (f.fft if forward else f.ifft)(x, axis=axes[0], norm=norm)
        else:
            y = (f.fftn if forward else f.ifftn)(x, axes=axes, norm=norm)
        return _put(y.astype(x.dtype, copy=False), out)
    if x.dtype.kind != "c":
        x = x.astype(np.result_type(x.dtype, np.complex64))
    real = _REAL_OF[x.dtype]
    y = np.empty(x.shape, x.dtype) if out is None else out
    ufunc = _pfu.fft if forward else _pfu.ifft
    fct = _scale(real, _count(x, axes), mode)
    src = x
    for a in axes:  # the first pass reads x, the others work in place; it alone scales
        ufunc(src, fct, axes=[(a,), (), (a,)], out=y)
        src = y
        fct = real.type(1)
    return y


def r2c(x, axes, mode: int, out=None):
    """The one-sided transform of real x over `axes` (the last one halved to n // 2 + 1)."""
    last = axes[-1]
    n = x.shape[last]
    if not _native(x):
        f = array_module(x).fft
        y = f.rfftn(x, axes=axes, norm=_NORM_FWD[mode]) if len(axes) > 1 else \
            f.rfft(x, axis=last, norm=_NORM_FWD[mode])
        return _put(y.astype(np.result_type(x.dtype, np.complex64), copy=False), out)
    cd = np.result_type(x.dtype, np.complex64)
    y = np.empty(_resized(x.shape, last, n // 2 + 1), cd) if out is None else out
    ufunc = _pfu.rfft_n_even if n % 2 == 0 else _pfu.rfft_n_odd
    ufunc(x, _scale(x.dtype, _count(x, axes), mode), axes=[(last,), (), (last,)], out=y)
    if len(axes) > 1:
        c2c(y, axes[:-1], True, 0, out=y)
    return y


def c2r(x, axes, mode: int, last_size: int, out=None):
    """The inverse of r2c: one-sided complex x over `axes` to real, last_size long on the last."""
    last = axes[-1]
    if not _native(x):
        f = array_module(x).fft
        norm = _NORM_INV[mode]
        if len(axes) == 1:
            y = f.irfft(x, last_size, axis=last, norm=norm)
        else:
            s = [x.shape[a] for a in axes[:-1]] + [last_size]
            y = f.irfftn(x, s=s, axes=axes, norm=norm)
        return _put(y.astype(_REAL_OF[x.dtype], copy=False), out)
    real = _REAL_OF[x.dtype]
    n = _count(x, axes[:-1]) * last_size
    if len(axes) > 1:  # the complex axes first (into a new array: x is not ours to change)
        x = c2c(x, axes[:-1], False, 0)
    y = np.empty(_resized(x.shape, last, last_size), real) if out is None else out
    _pfu.irfft(x, _scale(real, n, mode), axes=[(last,), (), (last,)], out=y)
    return y


def windowed_r2c(frames, window, mode: int, rows: int = 128):
    """r2c of frames (B, F, n) * window (n,) over the last axis, NumPy arrays, a block of rows
    at a time: stft's windowed frames (they overlap, so their product is a full copy) never
    exist whole, and each block is transformed while it is still in cache."""
    b, f, n = frames.shape
    out = np.empty((b, f, n // 2 + 1), np.result_type(frames.dtype, np.complex64))
    rows = max(1, min(rows, f))
    buf = np.empty((rows, n), frames.dtype)
    for fr, o in zip(frames, out):
        for r in range(0, f, rows):
            k = min(rows, f - r)
            np.multiply(fr[r:r + k], window, out=buf[:k])
            r2c(buf[:k], (1,), mode, out=o[r:r + k])
    return out
