"""torch.amp.autocast (context manager and decorator), custom_fwd/custom_bwd for autograd Functions,
is_autocast_available. The cast policy lives in _policy, the wrappers that apply it in _hook."""
from __future__ import annotations

import collections.abc
import functools
import warnings

import numpy as np

from .. import _dtype as _dt
from . import _state as _s

__all__ = ["autocast", "autocast_decorator", "custom_bwd", "custom_fwd", "is_autocast_available"]

_SUPPORTED_DTYPES = (_dt.bfloat16, _dt.float16)


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast can run on `device_type` ('cpu', 'cuda', ...)."""
    try:
        _s._device_type(device_type)
    except RuntimeError as e:
        if "unknown device type" in str(e):
            return False
        raise
    return True


def _cuda_unusable() -> bool:
    """torch.cuda.amp.common.amp_definitely_not_available(): no usable GPU."""
    from .. import cuda

    return not cuda.is_available()


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)

    return decorate_autocast


class autocast:
    """A region (or a decorated function) whose listed ops run in mixed precision: matmuls and
    convolutions in `dtype`, losses and other sensitive ops in float32, as torch's autocast."""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(  # noqa: TRY004 - torch's exception type
                f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = _s.get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self._cache_enabled = (_s.is_autocast_cache_enabled() if cache_enabled is None
                               else cache_enabled)
        if enabled:
            if device_type == "cuda":
                if _cuda_unusable():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                                  "autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in _SUPPORTED_DTYPES:
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. "
                              f"Disabling autocast.\n{name} Autocast only supports dtypes of "
                              "torch.bfloat16, torch.float16 currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = _s.is_autocast_cache_enabled()
        self.prev = _s.is_autocast_enabled(self.device)
        self.prev_fastdtype = _s.get_autocast_dtype(self.device)
        _s.set_autocast_enabled(self.device, self._enabled)
        _s.set_autocast_dtype(self.device, self.fast_dtype)
        _s.autocast_increment_nesting()
        _s.set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> bool:
        if _s.autocast_decrement_nesting() == 0:  # left the outermost region: drop the cache
            _s.clear_autocast_cache()
        _s.set_autocast_enabled(self.device, self.prev)
        _s.set_autocast_dtype(self.device, self.prev_fastdtype)
        _s.set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(
                f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                f"Did you mean to use autocast as a context manager? For example:\n"
                f"    with torch.autocast(device_type=...):\n"
                f"        output = model(input)")
        return autocast_decorator(self, func)


def _cast(value, device_type: str, dtype):
    """custom_fwd's cast of the arguments: floating tensors on `device_type` (not float64),
    recursing into mappings and iterables; strings and NumPy arrays pass through."""
    from .._tensor import Tensor

    if isinstance(value, Tensor):
        ok = (value.is_floating_point() and value.device.type == device_type
              and value.dtype is not _dt.float64)
        return value.to(dtype) if ok else value
    if isinstance(value, (str, bytes, np.ndarray)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype)
                for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        items = (_cast(v, device_type, dtype) for v in value)
        return type(value)(items) if isinstance(value, (list, tuple)) else items
    return value


def custom_fwd(fwd=None, *, device_type: str, cast_inputs=None):
    """Decorate an autograd Function's forward: with `cast_inputs`, inside an autocast region,
    cast floating inputs to it and run forward with autocast off; remember the state for
    custom_bwd."""
    if not isinstance(device_type, str):
        raise ValueError(  # noqa: TRY004 - torch's exception type
            f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = _s.get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = _s.is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        args[0]._fwd_used_autocast = False
        if not _s.is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*_cast(args, device_type, cast_inputs),
                       **_cast(kwargs, device_type, cast_inputs))

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """Decorate an autograd Function's backward: it runs with the autocast state forward had."""
    if not isinstance(device_type, str):
        raise ValueError(  # noqa: TRY004 - torch's exception type
            f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast,
                      dtype=args[0]._dtype):
            return bwd(*args, **kwargs)

    return decorate_bwd


class _UnmanagedAutocast(autocast):
    """An autocast entered by _enter_autocast rather than a with statement."""


def _enter_autocast(*vals):
    mode = _UnmanagedAutocast(*vals)
    mode.__enter__()
    return mode


def _exit_autocast(mode) -> None:
    mode.__exit__(None, None, None)


def _deprecated_alias(device: str, default_dtype) -> type:
    """torch.<device>.amp.autocast: autocast(device, ...) raising torch's FutureWarning."""

    class DeprecatedAutocast(autocast):
        def __init__(self, enabled: bool = True, dtype=default_dtype,
                     cache_enabled: bool = True) -> None:
            warnings.warn(f"`torch.{device}.amp.autocast(args...)` is deprecated. Please use "
                          f"`torch.amp.autocast('{device}', args...)` instead.", FutureWarning,
                          stacklevel=2)
            super().__init__(device, enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)

    DeprecatedAutocast.__name__ = DeprecatedAutocast.__qualname__ = "autocast"
    DeprecatedAutocast.__module__ = f"ember.{device}.amp.autocast_mode"
    return DeprecatedAutocast
