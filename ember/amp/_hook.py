"""The casting wrappers: installed over the functions _policy lists when autocast is first enabled.

Before that nothing in ember knows autocast exists (no check on any op's path). install() wraps
each listed function and rebinds every name in ember's loaded modules that refers to it, so
`ember.matmul`, `Tensor.__matmul__` (through ops.linalg.matmul) and `F.linear` all reach the
wrapper. The wrapper reads one thread-local flag; when autocast is on for the arguments' device it
casts them as torch's policy says and runs the op with autocast off inside (torch's exclusion of
the autocast key), so an op's inner ops are not cast again.
"""
from __future__ import annotations

import functools
import importlib
import sys
import threading

from .. import _dtype as _dt
from .._tensor import Tensor
from . import _policy
from ._state import _live, _state

_lock = threading.Lock()
_seen_modules = 0  # len(sys.modules) at the last scan


def install() -> None:
    """Wrap the listed functions in every loaded ember module (again when modules were added)."""
    global _seen_modules
    if len(sys.modules) == _seen_modules:  # nothing new to wrap: the common case, lock-free
        return
    with _lock:
        if len(sys.modules) == _seen_modules:
            return
        wrappers = {}
        from .. import cuda

        # CUDA's list wraps hot pointwise ops (exp, sum, softmax...): only where a GPU is usable
        keys = {**_policy.CPU, **_policy.CUDA} if cuda.is_available() else _policy.CPU
        for key in keys:
            fn = _resolve(key)
            if fn is not None and id(fn) not in wrappers and not hasattr(fn, "__autocast_wraps__"):
                wrappers[id(fn)] = _wrap(fn, _policy.CPU.get(key), _policy.CUDA.get(key))
        _rebind(wrappers)
        _seen_modules = len(sys.modules)


def _resolve(key: str):
    """The function `module:name` names, if its module is loaded (lazy ones wait their turn)."""
    mod_name, _, name = key.partition(":")
    mod = sys.modules.get(mod_name)
    if mod is None and mod_name.startswith("ember.ops."):
        mod = importlib.import_module(mod_name)
    return getattr(mod, name, None) if mod is not None else None


def _rebind(wrappers: dict) -> None:
    """Point every ember module attribute (and Tensor method) bound to a listed function at its
    wrapper."""
    if not wrappers:
        return
    modules = [m for n, m in list(sys.modules.items())
               if (n == "ember" or n.startswith("ember.")) and m is not None]
    classes = set(Tensor.__mro__)
    for mod in modules:
        space = vars(mod)
        for name, value in list(space.items()):
            w = wrappers.get(id(value))
            if w is not None and w.__autocast_wraps__ is value:
                space[name] = w
            elif isinstance(value, type) and value.__module__ == mod.__name__:
                classes.add(value)
    for cls in classes:  # methods, and functions kept as staticmethods (Conv2d._fn = F.conv2d)
        for name, value in list(vars(cls).items()):
            fn = value.__func__ if isinstance(value, staticmethod) else value
            w = wrappers.get(id(fn))
            if w is not None and w.__autocast_wraps__ is fn:
                setattr(cls, name, staticmethod(w) if fn is not value else w)


def _wrap(fn, cpu_policy, cuda_policy):
    """fn behind torch's autocast dispatch: a flag check when autocast is off."""

    live = _live

    @functools.wraps(fn)
    def autocast_op(*args, **kwargs):
        if not live[0] or not _state.active:  # no thread, or not this one, has autocast on
            return fn(*args, **kwargs)
        return _run(fn, cpu_policy, cuda_policy, args, kwargs)

    autocast_op.__autocast_wraps__ = fn
    return autocast_op


def _first_tensor(args, kwargs):
    for a in (*args, *kwargs.values()):
        if isinstance(a, Tensor):
            return a
        if isinstance(a, (list, tuple)):
            for b in a:
                if isinstance(b, Tensor):
                    return b
    return None


def _run(fn, cpu_policy, cuda_policy, args, kwargs):
    """Cast the arguments as the policy says for their device, then run fn with autocast off."""
    t = _first_tensor(args, kwargs)
    device = "cuda" if t is not None and t.is_cuda else "cpu"
    policy = cpu_policy if device == "cpu" else cuda_policy
    if policy is None or not _state.enabled.get(device, False):
        return fn(*args, **kwargs)
    if callable(policy):
        policy = policy(*args, **kwargs)
    if policy is not None and policy != _policy.KEEP:
        lower = _state.dtype[device]
        if policy == _policy.LOWER:
            to = lower
        elif policy == _policy.FP32:
            to = _dt.float32
        else:
            to = _widest(lower, args, kwargs, device)
        args = _cast(args, to, lower, device)
        kwargs = {k: _cast(v, to, lower, device) for k, v in kwargs.items()}
    _state.active = False
    try:
        return fn(*args, **kwargs)
    finally:
        _state.active = True


def _eligible(t: Tensor, device: str) -> bool:
    dt = t._data.dtype  # float16, float32 or bfloat16 (an ml_dtypes 'V' dtype): never float64
    return (dt.char in "ef" or dt.name == "bfloat16") and t.is_cuda == (device == "cuda")


def _widest(lower, args, kwargs, device):
    """PROMOTE's dtype: float32 if any eligible input is float32, else the lower precision."""
    to = lower
    for a in _tensors((*args, *kwargs.values())):
        if _eligible(a, device):
            if a.dtype is _dt.float32:
                return _dt.float32
            if a.dtype is not lower:
                raise RuntimeError("Unexpected floating ScalarType in at::autocast::prioritize")
    return to


def _tensors(values):
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            yield from _tensors(v)


def _cast(value, to, lower, device):
    """torch's cached_cast: eligible floating tensors (never float64) to `to`; float32 leaf
    weights cast to the lower precision are kept for the rest of the autocast region."""
    if isinstance(value, Tensor):
        if value.dtype is to or not _eligible(value, device):
            return value
        if (to is lower and value.dtype is _dt.float32 and value.requires_grad
                and value.grad_fn is None and value._base is None and _state.cache_enabled):
            hit = _state.cache.get(id(value))
            if hit is None:
                hit = _state.cache[id(value)] = (value, value.to(to))
            return hit[1]
        return value.to(to)
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_cast(v, to, lower, device) for v in value)
    return value
