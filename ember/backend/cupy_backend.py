"""The cuda backend: CuPy arrays on NVIDIA GPUs. Optional: CuPy is imported the first time a
GPU is asked about, never at `import ember`; without CuPy or a usable GPU it is unavailable.

Same interface as `numpy_backend`: `DEVICE_TYPE`, `module()`, `is_available()`,
`device_count()`, `owns(x)`, `device_of(x)`, `to_host(x)` and `from_host(x, index)`.
"""
from __future__ import annotations

import sys

DEVICE_TYPE = "cuda"
NOT_COMPILED = "Torch not compiled with CUDA enabled"  # torch's text on a CPU-only build

def _import():
    """The cupy module when it imports and sees a GPU, else False."""
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception:  # noqa: BLE001 - ImportError, or CUDA present without a device
        return False
    return cupy


def load():
    """CuPy when a GPU is usable, else None; the package caches the answer in `_cupy`."""
    return sys.modules[__package__]._load_cupy()


def module():
    """The cupy module; AssertionError like a CPU-only torch build when there is no GPU."""
    cp = load()
    if cp is None:
        raise AssertionError(NOT_COMPILED)
    return cp


def is_available() -> bool:
    return load() is not None


def device_count() -> int:
    cp = load()
    return cp.cuda.runtime.getDeviceCount() if cp is not None else 0


def owns(x) -> bool:
    """True for a CuPy array (False whenever CuPy is not usable)."""
    cp = load()
    return cp is not None and isinstance(x, cp.ndarray)


def device_of(x) -> str:
    return f"cuda:{x.device.id}"


def to_host(x):
    """Copy a device array into a NumPy array."""
    return x.get()


def from_host(x, index: int | None = None):
    """Copy an array (host or another GPU's) onto GPU `index` (default 0)."""
    cp = module()
    with cp.cuda.Device(index or 0):
        return cp.asarray(x)
