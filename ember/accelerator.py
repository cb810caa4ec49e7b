"""torch.accelerator: the device-agnostic face of the one accelerator ember knows, CUDA via CuPy.

With no GPU, `current_accelerator()` is None and calls that need a device raise RuntimeError,
exactly as on a CPU-only PyTorch build.
"""
from __future__ import annotations

from . import cuda as _cuda
from .device import device as _device

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return _cuda.is_available()


def current_accelerator(check_available: bool = False):
    """device(type='cuda') when a GPU is usable, else None."""
    return _device("cuda") if _cuda.is_available() else None


def device_count() -> int:
    return _cuda.device_count()


def _require() -> None:
    if not _cuda.is_available():
        raise RuntimeError(_NONE)


def current_device_index() -> int:
    _require()
    return _cuda.current_device()


def set_device_index(device) -> None:
    _require()
    _cuda.set_device(device)


current_device_idx = current_device_index
set_device_idx = set_device_index


class device_index:
    """Make GPU `device` current inside a with-block; None is a no-op."""

    def __init__(self, device) -> None:
        self.idx = device
        self._ctx = None

    def __enter__(self) -> None:
        if self.idx is not None:
            _require()
            self._ctx = _cuda.device(self.idx)
            self._ctx.__enter__()

    def __exit__(self, *exc) -> bool:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)
            self._ctx = None
        return False


def synchronize(device=None) -> None:
    _require()
    _cuda.synchronize(device)


def current_stream(device=None):
    _require()
    return _cuda.current_stream(device)


def set_stream(stream) -> None:
    """Make `stream` current on its device (CuPy's current stream is per thread and device)."""
    _require()
    with _cuda.device(stream.device_index):
        stream._cp.use()


def get_device_capability(device=None) -> dict:
    _require()
    major, minor = _cuda.get_device_capability(device)
    return {"major": major, "minor": minor}


def empty_cache() -> None:
    _require()
    _cuda.empty_cache()


def memory_stats(device=None):
    _require()
    return _cuda.memory_stats(device)


def memory_allocated(device=None) -> int:
    _require()
    return _cuda.memory_allocated(device)


def max_memory_allocated(device=None) -> int:
    _require()
    return _cuda.max_memory_allocated(device)


def memory_reserved(device=None) -> int:
    _require()
    return _cuda.memory_reserved(device)


def max_memory_reserved(device=None) -> int:
    _require()
    return _cuda.max_memory_reserved(device)


def reset_peak_memory_stats(device=None) -> None:
    _require()
    _cuda.reset_peak_memory_stats(device)


def reset_accumulated_memory_stats(device=None) -> None:
    """ember keeps no accumulated counters; checks the device like torch and does nothing."""
    _require()


def get_memory_info(device=None) -> tuple[int, int]:
    _require()
    return _cuda.mem_get_info(device)


__all__ = [
    "current_accelerator",
    "current_device_idx",
    "current_device_index",
    "current_stream",
    "device_count",
    "device_index",
    "empty_cache",
    "get_device_capability",
    "get_memory_info",
    "is_available",
    "max_memory_allocated",
    "max_memory_reserved",
    "memory_allocated",
    "memory_reserved",
    "memory_stats",
    "reset_accumulated_memory_stats",
    "reset_peak_memory_stats",
    "set_device_idx",
    "set_device_index",
    "set_stream",
    "synchronize",
]
