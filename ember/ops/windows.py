"""Window functions: hann, hamming, blackman, bartlett, kaiser (torch.*_window).

Each is computed as torch computes it: in the target dtype, over arange(N + 1) and cut to N when
`periodic` (the default), so float32 windows round as torch's do.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as _dt
from ..backend import backend_for
from ..device import as_device
from .creation import _finish

__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window",
           "kaiser_window"]

# how torch's TensorOptions spell a dtype in the window functions' error message
_C_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def _checked(name: str, window_length, dtype) -> _dt.dtype:
    """torch's argument checks; returns the dtype to compute in."""
    if not isinstance(window_length, builtins.int) or isinstance(window_length, builtins.bool):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    d = dtype or _dt.get_default_dtype()
    if d.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for "
                                  f"'Complex{'Float' if d is _dt.complex64 else 'Double'}'")
    if not d.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                           f"{_C_NAMES.get(d.name, d.name)}, device=cpu, layout=Strided "
                           "(default), requires_grad=false (default), pinned_memory=false, "
                           "memory_format=(nullopt))")
    return d


def _window(name, window_length, periodic, dtype, device, requires_grad, fill):
    """Shared frame: checks, the 0- and 1-length cases, periodic cut, dtype and device."""
    d = _checked(name, window_length, dtype)
    npd = np.float32 if d is _dt.bfloat16 or d is _dt.float16 else d.np_dtype
    xp = window_module(device)
    if window_length <= 1:
        arr = xp.ones((window_length,), npd)
    else:
        n = window_length + 1 if periodic else window_length
        arr = xp.ascontiguousarray(fill(xp, xp.arange(n, dtype=npd), n)[:window_length])
    return _finish(arr, d, device, requires_grad)


def window_module(device):
    """The array module of the device a window is made on (computed there, no copy after)."""
    return backend_for(as_device(device).type if device is not None else "cpu").module()


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False):
    """alpha - beta * cos(2 pi k / (N - 1)) (N one longer when periodic)."""
    def fill(xp, k, n):
        return xp.cos(k * (math.pi * 2.0 / (n - 1))) * -beta + alpha
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad, fill)


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                device=None, requires_grad: bool = False):
    """0.5 - 0.5 * cos(2 pi k / (N - 1)): hamming_window with alpha = beta = 0.5."""
    def fill(xp, k, n):
        return xp.cos(k * (math.pi * 2.0 / (n - 1))) * -0.5 + 0.5
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, fill)


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False):
    """0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))."""
    def fill(xp, k, n):
        w = k * (math.pi / (n - 1))
        return xp.cos(w * 4) * 0.08 - xp.cos(w * 2) * 0.5 + 0.42
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   fill)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False):
    """The triangle 2k / (N - 1), mirrored as 2 - 2k / (N - 1) past the middle."""
    def fill(xp, k, n):
        w = k * (2.0 / (n - 1))
        half = ((n - 1) >> 1) + 1
        w[half:] = w[half:] * -1 + 2
        return w
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   fill)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None,
                  layout=None, device=None, requires_grad: bool = False):
    """I0(beta sqrt(1 - ((k - a) / a)^2)) / I0(beta) with a = (N - 1) / 2."""
    def fill(xp, k, n):
        a = (n - 1) / 2.0
        r = (k.astype(np.float64) - a) / a
        i0 = xp.i0(beta * xp.sqrt(xp.maximum(1 - r * r, 0))) / xp.i0(xp.float64(beta))
        return i0.astype(k.dtype)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, fill)
