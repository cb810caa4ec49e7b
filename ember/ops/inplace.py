"""In-place arithmetic and writes: add_/sub_/mul_/div_/pow_/neg_, fill_, zero_ and copy_.

Each skips the graph with one NumPy call when nothing needs recording, and otherwise goes through
_output.inplace() / commit_inplace() (compute out of place, then write into self).
"""
from __future__ import annotations

import builtins

import numpy as np

from ..backend import array_module
from . import _op
from ._common import _check_operand, _np_scalar
from ._op import Op
from ._output import (  # noqa: F401 - _cap, _inplace_precheck, _snapshot_saved_self: old importers
    _cap,
    _check_overlap,
    _copy_into,
    _inplace_precheck,
    _out,
    _records,
    _snapshot_saved_self,
    check_inplace,
    commit_inplace,
    inplace,
)
from ._util import _zeros as _zeros_like
from .creation import _check_scalar_fits
from .elementwise import add, div, mul, neg, pow, sub

__all__ = ["fill", "fill_", "neg_", "negative_", "zero_"]

_float = builtins.float
_int = builtins.int


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


class Fill(Op):
    """t.fill_(number): the old values no longer matter, so their gradient is zero."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return array_module(x).full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class FillTensor(Op):
    """t.fill_(0-d tensor): the value's gradient is the sum of the upstream gradient."""

    node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, x, value):
        y = array_module(x).empty_like(x)
        y[...] = value.astype(x.dtype)
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = _zeros_like(grad) if ctx.needs_input_grad[0] else None
        return gx, (grad.sum() if ctx.needs_input_grad[1] else None)


class Zero(Op):
    @staticmethod
    def forward(ctx, x):
        return array_module(x).zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros_like(grad)


class Copy(Op):
    """t.copy_(src): src broadcast and cast into t's shape and dtype; gradient flows to src."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        y = array_module(x).empty_like(x)
        _copy_into(y, src)
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = _zeros_like(grad) if ctx.needs_input_grad[0] else None
        return gx, (grad if ctx.needs_input_grad[1] else None)


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
