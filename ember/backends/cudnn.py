"""torch.backends.cudnn: cuDNN's flags. ember runs no cuDNN kernels of its own; the flags are kept
so scripts that set them run unchanged, and `is_available()` reports CuPy's cuDNN bindings."""
from __future__ import annotations

import types

from .. import backend as _backend
from . import _flags


def _cudnn():
    """CuPy's cuDNN bindings when a GPU and cuDNN are usable, else None."""
    cp = _backend._load_cupy()
    if cp is None:
        return None
    try:
        from cupy_backends.cuda.libs import cudnn

        cudnn.getVersion()
        return cudnn
    except Exception:  # noqa: BLE001 - CuPy without cuDNN, or cuDNN that fails to load
        return None


def is_available() -> bool:
    return _cudnn() is not None


def version():
    """cuDNN's version number, or None without it."""
    lib = _cudnn()
    return None if lib is None else int(lib.getVersion())


def is_acceptable(tensor) -> bool:
    """Whether cuDNN would take this tensor: a CUDA float tensor with cuDNN enabled."""
    return (_flags_module().enabled and getattr(tensor, "is_cuda", False)
            and is_available() and tensor.is_floating_point())


def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Context manager setting all the flags (note torch's default enabled=False) and restoring."""
    module = _flags_module()
    extra = {"benchmark_limit": benchmark_limit} if is_available() else {}
    return _flags.temporarily(module, enabled=enabled, benchmark=benchmark,
                              deterministic=deterministic, allow_tf32=allow_tf32, **extra)


def _flags_module():
    import sys

    return sys.modules[__name__]


class _BenchmarkLimit:
    """10 where cuDNN is present, None otherwise (torch's), until a script sets it."""

    def __get__(self, module, owner=None):
        if module is None:
            return self
        if "_flag_benchmark_limit" in module.__dict__:
            return module.__dict__["_flag_benchmark_limit"]
        return 10 if is_available() else None

    def __set__(self, module, value) -> None:
        module.__dict__["_flag_benchmark_limit"] = value


class _CudnnModule(types.ModuleType):
    enabled = _flags.BoolFlag(True, "set_enabled_cudnn")
    benchmark = _flags.BoolFlag(False, "set_benchmark_cudnn")
    deterministic = _flags.BoolFlag(False, "set_deterministic_cudnn")
    allow_tf32 = _flags.BoolFlag(True, "set_allow_tf32_cublas")  # torch's message says cublas
    benchmark_limit = _BenchmarkLimit()


_flags.install(__name__, _CudnnModule)
