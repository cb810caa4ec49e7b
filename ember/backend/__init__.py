"""The one place that knows NumPy from CuPy: `array_module(x)` and device moves of raw arrays."""
from __future__ import annotations

import numpy as np

_cupy = None


def _load_cupy():
    """Import CuPy lazily; None when it is absent or no GPU is usable."""
    global _cupy
    if _cupy is None:
        try:
            import cupy

            cupy.cuda.runtime.getDeviceCount()
            _cupy = cupy
        except Exception:  # noqa: BLE001 - ImportError, or CUDA present without a device
            _cupy = False
    return _cupy or None


def array_module(x):
    """NumPy for host arrays, CuPy for device arrays (the `xp` of every op)."""
    if x.__class__ is np.ndarray or isinstance(x, (np.ndarray, np.generic)):
        return np
    cp = _load_cupy()
    if cp is not None and isinstance(x, cp.ndarray):
        return cp
    return np


def device_of(x) -> str:
    """'cpu' or 'cuda:N' for a raw array."""
    if isinstance(x, np.ndarray):
        return "cpu"
    return f"cuda:{x.device.id}"


def cuda_available() -> bool:
    return _load_cupy() is not None


def cuda_device_count() -> int:
    cp = _load_cupy()
    return cp.cuda.runtime.getDeviceCount() if cp is not None else 0


def to_device(x, device):
    """Copy a raw array to `device` (an ember.device); returns x itself when already there."""
    if device.type == "cpu":
        return x if isinstance(x, np.ndarray) else x.get()
    cp = _load_cupy()
    if cp is None:
        raise AssertionError("Torch not compiled with CUDA enabled")
    with cp.cuda.Device(device.index or 0):
        return cp.asarray(x)
