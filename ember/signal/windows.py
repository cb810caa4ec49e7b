"""torch.signal.windows: scipy-style windows, symmetric (sym=True) by default.

Computed as torch computes them: a linspace in the target dtype, then elementwise math, so
float32 windows round as torch's do.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from ..ops.creation import _finish, linspace, ones
from ..ops.windows import window_module

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]


def _checks(name: str, M: int, dtype) -> _dt.dtype:
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    d = dtype or _dt.get_default_dtype()
    if d not in (_dt.float32, _dt.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {d}")
    return d


def _trivial(M: int, d, device, requires_grad):
    """The 0- and 1-point windows (empty and [1.]), or None."""
    if M > 1:
        return None
    return ones(M, dtype=d, device=device, requires_grad=requires_grad)


def _done(y, device, requires_grad):
    return _finish(y._data, None, device, requires_grad)


def _span(M: int, sym: bool) -> int:
    """The denominator scipy uses: M - 1 for symmetric windows, M for periodic ones."""
    return M if not sym and M > 1 else M - 1


def exponential(M: int, *, center=None, tau: float = 1.0, sym: bool = True, dtype=None,
                layout=None, device=None, requires_grad: bool = False):
    """exp(-|k - center| / tau)."""
    d = _checks("exponential", M, dtype)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    t = _trivial(M, d, device, requires_grad)
    if t is not None:
        return t
    if center is None:
        center = _span(M, sym) / 2.0
    k = linspace(-center, -center + (M - 1), M, dtype=d)
    return _done((-k.abs() / tau).exp(), device, requires_grad)


def cosine(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
           requires_grad: bool = False):
    """sin(pi (k + 0.5) / M) (the sine window)."""
    d = _checks("cosine", M, dtype)
    t = _trivial(M, d, device, requires_grad)
    if t is not None:
        return t
    c = math.pi / (M + 1 if not sym and M > 1 else M)
    k = linspace(0.5 * c, (0.5 + (M - 1)) * c, M, dtype=d)
    return _done(k.sin(), device, requires_grad)


def gaussian(M: int, *, std: float = 1.0, sym: bool = True, dtype=None, layout=None,
             device=None, requires_grad: bool = False):
    """exp(-(k - (M - 1) / 2)^2 / (2 std^2))."""
    d = _checks("gaussian", M, dtype)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    t = _trivial(M, d, device, requires_grad)
    if t is not None:
        return t
    start = -_span(M, sym) / 2.0
    c = 1 / (std * math.sqrt(2))
    k = linspace(start * c, (start + (M - 1)) * c, M, dtype=d)
    return _done((-k * k).exp(), device, requires_grad)


def kaiser(M: int, *, beta: float = 12.0, sym: bool = True, dtype=None, layout=None,
           device=None, requires_grad: bool = False):
    """I0(sqrt(beta^2 - k^2)) / I0(beta) with k running from -beta to beta."""
    d = _checks("kaiser", M, dtype)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    t = _trivial(M, d, device, requires_grad)
    if t is not None:
        return t
    b = d.np_dtype.type(beta)
    c = 2.0 * b / (M if not sym else M - 1)
    end = min(b, d.np_dtype.type(-b + (M - 1) * c))
    k = linspace(float(-b), float(end), M, dtype=d, device=device)._data
    xp = array_module(k)
    y = xp.i0(xp.sqrt(b * b - k ** 2)) / xp.i0(np.float64(b))
    return _finish(y.astype(d.np_dtype), None, device, requires_grad)


def general_cosine(M, *, a: Iterable, sym: bool = True, dtype=None, layout=None, device=None,
                   requires_grad: bool = False):
    """sum_i (-1)^i a_i cos(2 pi i k / (M - 1))."""
    if a is None:
        raise TypeError("Coefficients are required")
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    d = _checks("general_cosine", M, dtype)
    t = _trivial(M, d, device, requires_grad)
    if t is not None:
        return t
    c = 2 * math.pi / (M if not sym else M - 1)
    k = linspace(0, (M - 1) * c, M, dtype=d, device=device)._data
    xp = window_module(device)
    ai = xp.asarray([(-1) ** i * w for i, w in enumerate(a)], d.np_dtype)[:, None]
    i = xp.arange(ai.shape[0], dtype=d.np_dtype)[:, None]
    return _finish((ai * xp.cos(i * k)).sum(0), None, device, requires_grad)


def general_hamming(M, *, alpha: float = 0.54, sym: bool = True, dtype=None, layout=None,
                    device=None, requires_grad: bool = False):
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, device=device,
                          requires_grad=requires_grad)


def hamming(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
            requires_grad: bool = False):
    return general_hamming(M, sym=sym, dtype=dtype, device=device, requires_grad=requires_grad)


def hann(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
         requires_grad: bool = False):
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, device=device,
                           requires_grad=requires_grad)


def blackman(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, device=device,
                          requires_grad=requires_grad)


def bartlett(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    """1 - |k| with k running from -1 in steps of 2 / (M - 1)."""
    d = _checks("bartlett", M, dtype)
    t = _trivial(M, d, device, requires_grad)
    if t is not None:
        return t
    c = 2 / (M if not sym else M - 1)
    k = linspace(-1, -1 + (M - 1) * c, M, dtype=d)
    return _done(1 - k.abs(), device, requires_grad)


def nuttall(M: int, *, sym: bool = True, dtype=None, layout=None, device=None,
            requires_grad: bool = False):
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, device=device, requires_grad=requires_grad)
