"""The one place that knows NumPy from CuPy: `array_module(x)`, device moves of raw arrays and
availability queries. Each array library is one module behind the same small interface
(`numpy_backend` for cpu, `cupy_backend` for cuda, imported on first use); ops never name them.
"""
from __future__ import annotations

import importlib

import numpy as np

from . import numpy_backend

__all__ = ["array_module", "backend_for", "cuda_available", "cuda_device_count", "device_of",
           "to_device"]

_ndarray = np.ndarray
_host_types = (np.ndarray, np.generic)
_backends = {"cpu": numpy_backend}
_cupy = None  # None: not probed yet; False: no usable GPU; else the cupy module (or a test's fake)


def _cuda():
    """ember.backend.cupy_backend, imported the first time a GPU question is asked."""
    backend = _backends.get("cuda")
    if backend is None:
        backend = _backends["cuda"] = importlib.import_module(".cupy_backend", __name__)
    return backend


def backend_for(device_type: str):
    """The backend module of a device type ('cpu' or 'cuda'); RuntimeError for any other."""
    if device_type == "cuda":
        return _cuda()
    backend = _backends.get(device_type)
    if backend is None:
        raise RuntimeError(f"ember has no backend for device type '{device_type}'")
    return backend


def _owner(x):
    """The backend whose array `x` is; cpu for host arrays, scalars and anything unknown."""
    if isinstance(x, _host_types) or _cupy is False:  # False: probed, no usable GPU
        return numpy_backend
    cuda = _cuda()
    return cuda if cuda.owns(x) else numpy_backend


def array_module(x):
    """NumPy for host arrays, CuPy for device arrays (the `xp` of every op)."""
    if x.__class__ is _ndarray or isinstance(x, _host_types):  # the hot path: no call
        return np
    cp = _cupy if _cupy is not None else _load_cupy()  # a device array: one more check
    return cp if cp and isinstance(x, cp.ndarray) else np


def device_of(x) -> str:
    """'cpu' or 'cuda:N' for a raw array."""
    if x.__class__ is _ndarray:
        return "cpu"
    return _owner(x).device_of(x)


def cuda_available() -> bool:
    return _cuda().is_available()


def cuda_device_count() -> int:
    return _cuda().device_count()


def _load_cupy():
    """CuPy when a GPU is usable, else None; imported and probed once."""
    global _cupy
    if _cupy is None:
        _cupy = _cuda()._import()
    return _cupy or None


def to_device(x, device):
    """Copy a raw array to `device` (an ember.device); returns x itself when already there."""
    if device.type == "cpu":
        return _owner(x).to_host(x)
    return _cuda().from_host(x, device.index)  # any other type needs the GPU, as before
