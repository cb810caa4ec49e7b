"""Tensor factories: tensor, as_tensor, from_numpy, zeros/ones/full/empty, arange, linspace, eye...

Dtype inference follows PyTorch: Python floats become the default dtype, ints int64, bools bool;
NumPy arrays keep their dtype.
"""
from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import _dtype as _dt
from ..backend import to_device
from ..device import as_device
from . import _op

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "scalar_tensor", "zeros", "ones",
           "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like", "arange",
           "range", "linspace", "logspace", "eye", "empty_strided"]


def _finish(arr, dtype=None, device=None, requires_grad: bool = False):
    """Cast, place and wrap a host array as a new Tensor."""
    if dtype is not None:
        np_dtype = _dt.to_numpy_dtype(dtype)
        if arr.dtype != np_dtype:
            arr = arr.astype(np_dtype)
    if device is not None:
        arr = to_device(arr, as_device(device))
    t = _op._new_tensor(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_array(data):
    """A host array from nested Python data, with PyTorch's dtype inference."""
    if isinstance(data, _op.Tensor):
        return data._host(), False
    if isinstance(data, np.ndarray):
        return data, False
    if isinstance(data, np.generic):
        return np.asarray(data), False
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.asarray(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal lengths: {e}") from None
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(_first_leaf(data)).__name__}")
    if arr.dtype.kind == "U":
        raise TypeError("new(): invalid data type 'str'")
    python_data = not _has_numpy_leaf(data)
    if arr.dtype.kind == "f" and python_data:
        arr = arr.astype(_dt.get_default_dtype().np_dtype)
    elif arr.dtype.kind in "iu" and python_data:
        arr = arr.astype(np.int64)
    return arr, True


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _has_numpy_leaf(data) -> bool:
    leaf = _first_leaf(data)
    return isinstance(leaf, (np.ndarray, np.generic)) and not isinstance(leaf, (np.bool_,))


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False):
    """A new tensor holding a copy of `data` (lists, tuples, scalars, arrays, tensors)."""
    if isinstance(data, _op.Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr, fresh = _infer_array(data)
    if not fresh or arr is data:
        arr = np.array(arr, copy=True)
    _dt.from_numpy_dtype(arr.dtype)
    return _finish(arr, dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or Tensor when nothing must change."""
    if isinstance(data, _op.Tensor):
        if (dtype is None or dtype is data.dtype) and (device is None
                                                       or as_device(device) == data.device):
            return data
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray):
        _dt.from_numpy_dtype(data.dtype)
        return _finish(data, dtype, device)
    arr, _ = _infer_array(data)
    return _finish(arr, dtype, device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False):
    t = as_tensor(obj, dtype=dtype, device=device)
    if copy:
        t = t.clone()
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray: np.ndarray):
    """A tensor sharing memory with `ndarray` (writes through both ways)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return _op._new_tensor(ndarray)


def scalar_tensor(value, *, dtype=None, device=None, requires_grad: bool = False):
    """A 0-d tensor from a Python number (its dtype by PyTorch's scalar rules unless given)."""
    d = dtype or _dt.scalar_dtype(value)
    return _finish(np.array(value).astype(d.np_dtype), None, device, requires_grad)


def _parse_size(size) -> tuple:
    """zeros(2, 3), zeros((2, 3)), zeros([2, 3]) and zeros(Size) all mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, _op.Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"zeros(): argument 'size' must be tuple of ints, but found element "
                            f"of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


def _filled(size, value, dtype, device, requires_grad):
    d = dtype or _dt.get_default_dtype()
    arr = np.full(_parse_size(size), value, dtype=_dt.to_numpy_dtype(d))
    return _finish(arr, None, device, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False):
    return _filled(size, 0, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False):
    return _filled(size, 1, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None):
    """Uninitialised in PyTorch; zero-filled here (deterministic and just as fast in NumPy)."""
    return _filled(size, 0, dtype, device, requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad: bool = False):
    return _filled((tuple(size),), 0, dtype, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False):
    if isinstance(fill_value, _op.Tensor):
        fill_value = fill_value.item()
    d = dtype or _dt.scalar_dtype(fill_value)
    return _filled((size,) if not isinstance(size, (tuple, list)) else (tuple(size),),
                   fill_value, d, device, requires_grad)


def _like(input, value, dtype, device, requires_grad):
    d = dtype or input.dtype
    arr = np.full(input._data.shape, value, dtype=_dt.to_numpy_dtype(d))
    return _finish(arr, None, device if device is not None else input.device, requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None):
    return _like(input, 0, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None):
    return _like(input, 1, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None):
    return _like(input, 0, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None):
    return _like(input, fill_value, dtype, device, requires_grad)


def _is_float(v) -> bool:
    if isinstance(v, _op.Tensor):
        return v.is_floating_point()
    return isinstance(v, (float, np.floating))


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False):
    """Values start, start+step, ... below end; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, _op.Tensor) else x for x in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = _dt.get_default_dtype() if any(map(_is_float, (start, end, step))) else _dt.int64
    n = math.ceil((end - start) / step)
    if dtype.is_floating_point:
        arr = (start + np.arange(n, dtype=np.float64) * step)
    else:
        arr = start + np.arange(n, dtype=np.int64) * int(step) if all(
            isinstance(v, (int, np.integer)) for v in (start, step)) else np.floor(
            start + np.arange(n) * step)
    return _finish(np.asarray(arr), dtype, device, requires_grad)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad: bool = False):
    """Deprecated in PyTorch: like arange but includes `end`, float by default."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its "
                  "behavior is inconsistent with Python's range builtin. Instead, use torch.arange,"
                  " which produces values in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    d = dtype or _dt.get_default_dtype()
    return _finish(start + np.arange(n, dtype=np.float64) * step, d, device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    """`steps` points from start to end, computed in the target dtype from both ends as PyTorch."""
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError("linspace(): argument 'steps' must be int")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = dtype or _dt.get_default_dtype()
    work = d.np_dtype if d.is_floating_point and d.np_dtype is not None else np.float64
    if d is _dt.bfloat16 or d is _dt.float16:
        work = np.float32
    start, end = (x.item() if isinstance(x, _op.Tensor) else x for x in (start, end))
    if steps == 1:
        arr = np.array([start], dtype=work)
    else:
        s, e = work(start), work(end)
        step = (e - s) / work(steps - 1)
        i = np.arange(steps)
        half = steps // 2
        arr = np.where(i < half, s + step * i.astype(work),
                       e - step * (steps - i - 1).astype(work)).astype(work)
    return _finish(arr, d, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    d = dtype or _dt.get_default_dtype()
    exps = linspace(start, end, steps, dtype=_dt.float64)._data
    return _finish(np.power(float(base), exps), d, device, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False):
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    d = dtype or _dt.get_default_dtype()
    return _finish(np.eye(n, n if m is None else m, dtype=_dt.to_numpy_dtype(d)), None, device,
                   requires_grad)


def _legacy_tensor(*args, **kwargs):
    """ember.Tensor(...) overloads: sizes give a zero-filled tensor, data gives a copy; default dtype."""
    device = kwargs.pop("device", None)
    d = _dt.get_default_dtype().np_dtype
    if not args:
        arr = np.zeros((0,), d)
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, builtins.bool) for a in args):
        arr = np.zeros(args, d)
    elif len(args) == 1 and isinstance(args[0], _op.Tensor):
        return args[0]._data
    elif len(args) == 1:
        arr = np.array(_infer_array(args[0])[0], dtype=d)
    else:
        raise TypeError(f"new() received an invalid combination of arguments")
    if device is not None:
        arr = to_device(arr, as_device(device))
    return arr
