"""Copies and casts: clone, and to(dtype/device) (PyTorch's ToCopyBackward0)."""
from __future__ import annotations

from .._dtype import from_numpy_dtype, to_numpy_dtype
from ..backend import array_module, to_device
from . import _op
from ._op import Op

__all__ = ["clone"]


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
    @staticmethod
    def forward(ctx, x):
        return array_module(x).array(x, copy=True, order="C")

    @staticmethod
    def backward(ctx, grad):
        return grad


def to_copy(t, dtype=None, device=None):
    """Cast to `dtype` and/or move to `device` (an ember.device); always a new tensor."""
    return ToCopy.apply(t, None if dtype is None else to_numpy_dtype(dtype), device)


def clone(t, *, memory_format=None):
    return Clone.apply(t)
