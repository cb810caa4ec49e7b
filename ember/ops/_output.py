"""Where an op's result goes: in place into self, or into an `out=` tensor, with PyTorch's checks.

`inplace()` computes an op out of place and `commit_inplace()` writes the result into self (leaf,
cast and shape checks, then the graph rewrite); `_out()` honours `out=`. This module sits near the
bottom of ops/ (it imports _op, _common, inplace_view, _dtype and the backend), so every op family
can use it without an import circle.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module, to_device
from . import _op
from ._common import check_broadcast
from .inplace_view import rebase_view

_LEAF_INPLACE_MSG = "a leaf Variable that requires grad is being used in an in-place operation."

# PyTorch's ScalarType names, as its error messages spell them
_SCALAR_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
                      "bfloat16": "BFloat16", "int64": "Long", "int32": "Int", "int16": "Short",
                      "int8": "Char", "uint8": "Byte", "bool": "Bool",
                      "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _cap(d: _dt.dtype) -> str:
    """A dtype's ScalarType name (Float, Long, ...) as in PyTorch's error messages."""
    return _SCALAR_TYPE_NAMES[d.name]


def check_inplace(t) -> None:
    """PyTorch refuses in-place changes to a leaf (or a view of one) that requires grad."""
    if not _op._grad_state.enabled:
        return
    if t._requires_grad and t._grad_fn is None:
        raise RuntimeError(_LEAF_INPLACE_MSG)
    base = t._base
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def commit_inplace(t, result):
    """Make tensor `t` hold `result` (the out-of-place value of an in-place op) and its history."""
    rd = result.dtype
    td = t.dtype
    if rd._category > td._category:
        raise RuntimeError(f"result type {_cap(rd)} can't be cast to the desired output type "
                           f"{_cap(td)}")
    if result._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast "
                           f"shape {list(result._data.shape)}")
    xp = array_module(t._data)
    if result._requires_grad:
        _snapshot_saved_self(t, result._grad_fn)
    xp.copyto(t._data, result._data, casting="unsafe")
    t._vbox[0] += 1
    if result._requires_grad:
        if t._base is not None and t._view_of is not None:
            rebase_view(t, result)
        else:
            t._grad_fn = result._grad_fn
            t._output_nr = result._output_nr
            t._requires_grad = True
    return t


def _snapshot_saved_self(t, node) -> None:
    """If the op saved `t` for backward, keep a copy of its old value: t is about to change."""
    saved = node.__dict__.get("_saved_inputs") if node is not None else None
    if not saved:
        return
    if not any(s is t for s, _ in saved):
        return
    old = _op._new_tensor(t._data.copy(), t._requires_grad)
    old._grad_fn, old._output_nr = t._grad_fn, t._output_nr
    node._saved_inputs = tuple((old, 0) if s is t else (s, v) for s, v in saved)


def inplace(t, fn, *args, **kwargs):
    """Run an out-of-place op `fn(t, *args)` and commit its result into t."""
    check_inplace(t)
    try:
        result = fn(t, *args, **kwargs)
    except (NotImplementedError, RuntimeError):
        _inplace_precheck(t, args)  # PyTorch reports a bad output shape or cast first
        raise
    return commit_inplace(t, result)


def _inplace_precheck(t, args) -> None:
    """The output checks PyTorch makes before running an in-place kernel: cast, then shape."""
    operands = [a for i, a in enumerate(args) if isinstance(a, _op.Tensor)
                or i == 0 and isinstance(a, (int, float, bool))]
    try:
        rd = _dt.result_type(t, *operands)
    except Exception:  # noqa: BLE001 - the op's own error is the one to report
        return
    if rd._category > t.dtype._category:
        raise RuntimeError(f"result type {_cap(rd)} can't be cast to the desired output type "
                           f"{_cap(t.dtype)}")
    shape = t._data.shape
    for a in operands:
        if isinstance(a, _op.Tensor) and a._data.shape != shape:
            b = check_broadcast(shape, a._data.shape)
            if b != shape:
                raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast "
                                   f"shape {list(b)}")


def _out(result, out):
    """Honour `out=`: resize-free copy into the given tensor (PyTorch checks the dtype category)."""
    if out is None:
        return result
    if result._requires_grad and _op._grad_state.enabled:
        raise RuntimeError("functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if out._data.shape != result._data.shape:
        out._data = array_module(result._data).empty_like(result._data, dtype=out._data.dtype)
    return commit_inplace(out, result.detach())


def with_out(fn):
    """Honour a function's `out=` (a tensor, or a tuple of them for tuple results), as torch's
    out variants: results are copied into the given tensors, which are returned."""

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        res = fn(*args, **kwargs)
        if out is None:
            return res
        if not isinstance(res, tuple):
            return _out(res, out)
        if not isinstance(out, (tuple, list)) or len(out) != len(res):
            raise TypeError(f"{fn.__name__}(): argument 'out' must be tuple of {len(res)} Tensors")
        done = [_out(r, o) for r, o in zip(res, out)]
        return type(res)(*done) if hasattr(res, "_fields") else tuple(done)

    return wrapper


def _records(t, src=None) -> bool:
    """Whether an in-place write into t must be recorded in the graph."""
    if not _op._grad_state.enabled:
        return False
    return t._requires_grad or (isinstance(src, _op.Tensor) and src._requires_grad)


def _copy_into(dst, src) -> None:
    """Broadcast-and-cast copy of a raw array or number into dst (PyTorch's size error)."""
    if hasattr(src, "shape") and src.__class__ is not dst.__class__ \
            and not isinstance(src, np.generic):
        src = to_device(src, _op._new_tensor(dst).device)
    if len(getattr(src, "shape", ())) > dst.ndim:  # NumPy would drop leading 1s; PyTorch refuses
        raise RuntimeError(f"output with shape {list(dst.shape)} doesn't match the broadcast "
                           f"shape {list(check_broadcast(dst.shape, src.shape))}")
    try:
        array_module(dst).copyto(dst, src, casting="unsafe")
    except ValueError:
        check_broadcast(dst.shape, getattr(src, "shape", ()))
        raise


def _check_overlap(dst, src) -> None:
    """PyTorch refuses a copy whose source partially overlaps the destination."""
    if dst.__class__ is not np.ndarray or src.__class__ is not np.ndarray:
        return
    if not np.may_share_memory(dst, src):
        return
    same = (dst.__array_interface__["data"][0] == src.__array_interface__["data"][0]
            and dst.strides == src.strides and dst.shape == src.shape)
    if not same and np.shares_memory(dst, src):
        raise RuntimeError("unsupported operation: some elements of the input tensor and the "
                           "written-to tensor refer to a single memory location. Please clone() "
                           "the tensor before performing the operation.")
