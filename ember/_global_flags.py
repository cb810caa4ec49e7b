"""Process-wide switches torch exposes at top level: deterministic algorithms and their debug
mode, warn-always, flush-denormal, the legacy default tensor type. ember's kernels are
deterministic already, so the switches are recorded (and read back) without changing results."""
from __future__ import annotations

import warnings

from . import _dtype

__all__ = ["are_deterministic_algorithms_enabled", "get_deterministic_debug_mode",
           "has_lapack", "has_mkl", "has_openmp", "has_spectral",
           "is_deterministic_algorithms_warn_only_enabled", "is_warn_always_enabled",
           "set_default_tensor_type", "set_deterministic_debug_mode", "set_flush_denormal",
           "set_warn_always", "use_deterministic_algorithms"]

has_lapack = True     # NumPy's LAPACK
has_mkl = False
has_openmp = False
has_spectral = True   # NumPy's pocketfft
_state = {"deterministic": False, "warn_only": False, "warn_always": False,
          "default_type_warned": False}
_MODES = {"default": 0, "warn": 1, "error": 2}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms (ember's always are)."""
    _state["deterministic"] = bool(mode)
    _state["warn_only"] = bool(warn_only) and bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """0/'default' off, 1/'warn' deterministic with warnings, 2/'error' deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = _MODES[debug_mode]
    if not isinstance(debug_mode, int) or debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_warn_always(b: bool) -> None:
    """Warnings torch issues once per process are issued every time (recorded)."""
    _state["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _state["warn_always"]


def set_flush_denormal(mode: bool) -> bool:
    """Whether denormal floats flush to zero: NumPy leaves the FPU as it is; returns True (the
    setting is supported on this CPU, as torch answers on x86)."""
    return True


def set_default_tensor_type(t) -> None:
    """Deprecated: the default dtype from a legacy tensor type (torch.DoubleTensor or its name);
    the deprecation warning comes once per process, as torch's."""
    if not _state["default_type_warned"]:
        _state["default_type_warned"] = True
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                      "torch.set_default_dtype() and torch.set_default_device() as "
                      "alternatives.", UserWarning, stacklevel=2)
    name = t if isinstance(t, str) else f"{getattr(t, '__module__', 'torch')}.{t.__name__}"
    kind = name.rsplit(".", 1)[-1]
    dtypes = {"FloatTensor": _dtype.float32, "DoubleTensor": _dtype.float64,
              "HalfTensor": _dtype.float16, "BFloat16Tensor": _dtype.bfloat16}
    if kind not in dtypes:
        raise TypeError(f"only floating-point types are supported as the default type, got {name}")
    _dtype.set_default_dtype(dtypes[kind])

