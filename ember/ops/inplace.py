"""In-place and out= machinery for every op family, and the direct in-place arithmetic paths.

`inplace()` computes an op out of place and `commit_inplace()` writes the result into self (with
PyTorch's leaf, cast and shape checks and the graph rewrite); add_/sub_/mul_/div_, fill_, zero_
and copy_ skip the graph entirely with one NumPy call when nothing needs recording.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Op
from .creation import _check_scalar_fits
from .elementwise import (
    _check_operand,
    _np_scalar,
    _xp,
    add,
    check_broadcast,
    div,
    mul,
    neg,
    pow,
    sub,
)

__all__ = ["fill", "fill_", "neg_", "negative_", "zero_"]

_float = builtins.float
_int = builtins.int


# ---- in-place: compute out of place, then write into self --------------------------------------

_LEAF_INPLACE_MSG = "a leaf Variable that requires grad is being used in an in-place operation."


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
            from .inplace_view import rebase_view

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


def _cap(d: _dt.dtype) -> str:
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
             "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
             "bool": "Bool"}
    return names[d.name]


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



# ---- in-place arithmetic: straight into self's memory when nothing is recorded ----------------


def _direct(t, other, need_float: bool) -> bool:
    """True when `t op= other` can run as one NumPy ufunc into t: no graph to record, and a
    dtype pair on which NumPy and PyTorch agree (same dtype, or a float tensor with a number)."""
    T = _op.Tensor
    oc = other.__class__
    if _op._grad_state.enabled and (t._requires_grad or (oc is T and other._requires_grad)):
        return False
    k = t._data.dtype.kind
    if oc is T:
        return other._data.dtype == t._data.dtype and (k == "f" or not need_float)
    return (oc is _float or oc is _int) and k == "f"


def _ufunc_(t, ufunc, other, alpha=None):
    """Apply `ufunc(t, other * alpha, out=t)`; None when shapes need the general path's error."""
    y = other._data if other.__class__ is _op.Tensor else other
    if alpha is not None:
        y = y * alpha
    try:
        ufunc(t._data, y, out=t._data)
    except ValueError:  # broadcast to a bigger shape, or a read-only (expanded) array
        return None
    t._vbox[0] += 1
    return t


def add_(input, other, *, alpha=1):
    if _direct(input, other, False) and input._data.__class__ is np.ndarray:
        a = None if alpha.__class__ is _int and alpha == 1 else alpha
        if a is None or input._data.dtype.kind == "f":
            r = _ufunc_(input, np.add, other, a)
            if r is not None:
                return r
    return inplace(input, add, other, alpha=alpha)


def sub_(input, other, *, alpha=1):
    if _direct(input, other, False) and input._data.dtype.kind != "b" \
            and input._data.__class__ is np.ndarray:
        a = None if alpha.__class__ is _int and alpha == 1 else alpha
        if a is None or input._data.dtype.kind == "f":
            r = _ufunc_(input, np.subtract, other, a)
            if r is not None:
                return r
    return inplace(input, sub, other, alpha=alpha)


def mul_(input, other):
    if _direct(input, other, False) and input._data.__class__ is np.ndarray:
        r = _ufunc_(input, np.multiply, other)
        if r is not None:
            return r
    return inplace(input, mul, other)


def div_(input, other, *, rounding_mode=None):
    if rounding_mode is None and _direct(input, other, True) \
            and input._data.__class__ is np.ndarray:
        r = _ufunc_(input, np.true_divide, other)
        if r is not None:
            return r
    return inplace(input, div, other, rounding_mode=rounding_mode)


def pow_(input, exponent):
    return inplace(input, pow, exponent)


def neg_(input):
    return inplace(input, neg)


negative_ = neg_


# ---- fill_, zero_, copy_ ---------------------------------------------------------------------


def _records(t, src=None) -> bool:
    """Whether an in-place write into t must be recorded in the graph."""
    if not _op._grad_state.enabled:
        return False
    return t._requires_grad or (isinstance(src, _op.Tensor) and src._requires_grad)


class Fill(Op):
    """t.fill_(number): the old values no longer matter, so their gradient is zero."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return _xp(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class FillTensor(Op):
    """t.fill_(0-d tensor): the value's gradient is the sum of the upstream gradient."""

    node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, x, value):
        y = _xp(x).empty_like(x)
        y[...] = value.astype(x.dtype)
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = _zeros_like(grad) if ctx.needs_input_grad[0] else None
        return gx, (grad.sum() if ctx.needs_input_grad[1] else None)


class Zero(Op):
    @staticmethod
    def forward(ctx, x):
        return _xp(x).zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class Copy(Op):
    """t.copy_(src): src broadcast and cast into t's shape and dtype; gradient flows to src."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        y = _xp(x).empty_like(x)
        _copy_into(y, src)
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = _zeros_like(grad) if ctx.needs_input_grad[0] else None
        return gx, (grad if ctx.needs_input_grad[1] else None)


def _zeros_like(grad):
    return _op._new_tensor(_xp(grad._data).zeros_like(grad._data))


def _copy_into(dst, src) -> None:
    """Broadcast-and-cast copy of a raw array or number into dst (PyTorch's size error)."""
    if hasattr(src, "shape") and src.__class__ is not dst.__class__ \
            and not isinstance(src, np.generic):
        from ..backend import to_device

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


def fill_(input, value):
    """Write `value` (a number or a 0-d tensor) into every element of input."""
    T = _op.Tensor
    if isinstance(value, T):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
    else:
        _check_operand(value)
        _check_scalar_fits(value, input._data.dtype)
    check_inplace(input)
    if _records(input, value):
        if isinstance(value, T):
            return commit_inplace(input, FillTensor.apply(input, value))
        return commit_inplace(input, Fill.apply(input, _np_scalar(value, input._data.dtype)))
    _copy_into(input._data, value._data if isinstance(value, T)
               else _np_scalar(value, input._data.dtype))  # wraps -1 into uint8 as PyTorch
    input._vbox[0] += 1
    return input


def fill(input, value):
    """Out-of-place fill: a tensor like input filled with value."""
    return fill_(input.clone(), value)


def zero_(input):
    check_inplace(input)
    if _records(input):
        return commit_inplace(input, Zero.apply(input))
    input._data.fill(0)
    input._vbox[0] += 1
    return input


def copy_(input, src, non_blocking: bool = False):
    """Copy src into input, broadcasting and casting; differentiable with respect to src."""
    check_inplace(input)
    if not isinstance(src, _op.Tensor):
        _check_operand(src)
    if isinstance(src, _op.Tensor):
        _check_overlap(input._data, src._data)
    if _records(input, src):
        return commit_inplace(input, Copy.apply(input, src))
    _copy_into(input._data, src._data if isinstance(src, _op.Tensor) else src)
    input._vbox[0] += 1
    return input
