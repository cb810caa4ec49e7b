"""Autocast's thread-local state and torch's top-level functions that read and set it.

Per device type: enabled and the lower-precision dtype; per thread: the weight-cast cache, its
switch and the nesting depth. Light on purpose: ember's top level imports these functions, and
nothing here touches the ops until autocast is first enabled (then ember.amp._hook installs).
"""
from __future__ import annotations

import threading
import warnings

from .. import _dtype as _dt

# Device types torch accepts for autocast, with their default lower-precision dtype.
_DEFAULT_DTYPE = {
    "cpu": _dt.bfloat16, "cuda": _dt.float16, "xpu": _dt.float16, "mps": _dt.float16,
    "hpu": _dt.bfloat16, "mtia": _dt.float16, "xla": _dt.bfloat16, "ipu": _dt.float16,
    "maia": _dt.float16, "privateuseone": _dt.float16,
}
_TORCH_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")


class _State(threading.local):
    def __init__(self) -> None:
        self.enabled: dict[str, bool] = {}
        self.dtype = dict(_DEFAULT_DTYPE)
        self.cache_enabled = True
        self.nesting = 0
        self.cache: dict[int, tuple] = {}  # id(weight) -> (weight, its cast copy)
        self.active = False  # some device type enabled and not inside an autocast-ed op
        self.counted = False  # this thread is counted in _live


_state = _State()
_live = [0]  # threads with autocast enabled somewhere: the wrappers' first, lock-free check
_live_lock = threading.Lock()
_hook = None  # ember.amp._hook once autocast was first enabled (it patches the listed ops)


def _device_type(device_type: str) -> str:
    """'cuda:0' -> 'cuda'; torch's RuntimeError for a device string it does not know."""
    name = device_type.split(":", 1)[0]
    if name not in _TORCH_TYPES:
        raise RuntimeError(
            "Expected one of " + ", ".join(_TORCH_TYPES)
            + f" device type at start of device string: {device_type}")
    if name not in _DEFAULT_DTYPE:
        raise RuntimeError("unknown device type for autocast in "
                           "get_autocast_dispatch_key_from_device_type")
    return name


def _refresh() -> None:
    """Recompute the hot flag the op wrappers read; install them on the first enable (and wrap
    the listed functions of modules loaded since, such as a lazily imported ember.linalg)."""
    global _hook
    on = _state.active = any(_state.enabled.values())
    if on != _state.counted:
        with _live_lock:
            _live[0] += 1 if on else -1
        _state.counted = on
    if on:
        if _hook is None:
            from . import _hook as hook

            _hook = hook
        _hook.install()


def _is_any_autocast_enabled() -> bool:
    """torch._C._is_any_autocast_enabled: some device type has autocast on in this thread."""
    return any(_state.enabled.values())


def is_autocast_enabled(device_type: str = "cuda") -> bool:
    """Whether autocast is on for `device_type` in this thread (CUDA when not given)."""
    return _state.enabled.get(_device_type(device_type), False)


def set_autocast_enabled(device_type, enabled=None) -> None:
    """set_autocast_enabled(device_type, enabled), or the legacy set_autocast_enabled(enabled)
    for CUDA."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    _state.enabled[_device_type(device_type)] = bool(enabled)
    _refresh()


def get_autocast_dtype(device_type: str):
    """The lower-precision dtype autocast uses for `device_type` in this thread."""
    name = _device_type(device_type)
    return _state.dtype[name]


def set_autocast_dtype(device_type: str, dtype) -> None:
    _state.dtype[_device_type(device_type)] = dtype


def is_autocast_cache_enabled() -> bool:
    return _state.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    _state.cache_enabled = bool(enabled)


def clear_autocast_cache() -> None:
    """Drop the cast copies of weights kept while autocast regions were open."""
    _state.cache.clear()


def autocast_increment_nesting() -> int:
    _state.nesting += 1
    return _state.nesting


def autocast_decrement_nesting() -> int:
    _state.nesting -= 1
    return _state.nesting


# ---- the deprecated per-device spellings, with torch's DeprecationWarning texts ----------------


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled() -> bool:
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled: bool) -> None:
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def set_autocast_cpu_dtype(dtype) -> None:
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype) -> None:
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


def is_autocast_xla_enabled() -> bool:
    return is_autocast_enabled("xla")


def set_autocast_xla_enabled(enabled: bool) -> None:
    set_autocast_enabled("xla", enabled)


def get_autocast_xla_dtype():
    return get_autocast_dtype("xla")


def set_autocast_xla_dtype(dtype) -> None:
    set_autocast_dtype("xla", dtype)


def is_autocast_ipu_enabled() -> bool:
    return is_autocast_enabled("ipu")


def set_autocast_ipu_enabled(enabled: bool) -> None:
    set_autocast_enabled("ipu", enabled)


def get_autocast_ipu_dtype():
    return get_autocast_dtype("ipu")


def set_autocast_ipu_dtype(dtype) -> None:
    set_autocast_dtype("ipu", dtype)


__all__ = [
    "autocast_decrement_nesting", "autocast_increment_nesting", "clear_autocast_cache",
    "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype",
    "get_autocast_ipu_dtype", "get_autocast_xla_dtype", "is_autocast_cache_enabled",
    "is_autocast_cpu_enabled", "is_autocast_enabled", "is_autocast_ipu_enabled",
    "is_autocast_xla_enabled", "set_autocast_cache_enabled", "set_autocast_cpu_dtype",
    "set_autocast_cpu_enabled", "set_autocast_dtype", "set_autocast_enabled",
    "set_autocast_gpu_dtype", "set_autocast_ipu_dtype", "set_autocast_ipu_enabled",
    "set_autocast_xla_dtype", "set_autocast_xla_enabled",
]
