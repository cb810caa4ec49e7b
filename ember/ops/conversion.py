"""Copies and casts: clone, and to(dtype/device) (PyTorch's ToCopyBackward0)."""
from __future__ import annotations

from .. import _memory_format as _mf
from .._dtype import from_numpy_dtype, to_numpy_dtype
from .._memory_format import relaid
from ..backend import to_device
from . import _op
from ._op import Op

__all__ = ["clone"]  # contiguous is a Tensor method only, as in torch


class ToCopy(Op):
    """A cast and/or device move; backward casts and moves the gradient back."""

    @staticmethod
    def forward(ctx, x, np_dtype=None, device=None):
        ctx.src = (x.dtype, None if device is None else _op._new_tensor(x).device)
        y = x
        if device is not None:
            y = to_device(y, device)
        if np_dtype is not None and y.dtype != np_dtype:
            if y.dtype.kind == "c" and np_dtype.kind in "fiu":  # complex to real: the real part
                y = y.real
            y = y.astype(np_dtype)
        elif y is x:
            y = x.copy()
        return y

    @staticmethod
    def backward(ctx, grad):
        np_dtype, dev = ctx.src
        return to_copy(grad, from_numpy_dtype(np_dtype), dev)


class Clone(Op):
    """A copy in a memory format (None: torch's preserve_format, the layout of `x`'s strides)."""

    @staticmethod
    def forward(ctx, x, fmt=None):
        return relaid(x, fmt)

    @staticmethod
    def backward(ctx, grad):
        return grad


def to_copy(t, dtype=None, device=None):
    """Cast to `dtype` and/or move to `device` (an ember.device); always a new tensor."""
    return ToCopy.apply(t, None if dtype is None else to_numpy_dtype(dtype), device)


def clone(t, *, memory_format=None):
    fmt = _mf.check(memory_format, "clone")
    return Clone.apply(t) if fmt is None or fmt is _mf.preserve_format else Clone.apply(t, fmt)


def contiguous(t, memory_format=None):
    """`t` itself when already contiguous in `memory_format`, else a copy laid out in it."""
    fmt = _mf.check(memory_format, "contiguous")
    if fmt is None or fmt is _mf.contiguous_format:
        return t if t._data.flags.c_contiguous else Clone.apply(t, _mf.contiguous_format)
    return Clone.apply(t, fmt) if _mf.needs_relayout(t._data, fmt) else t
