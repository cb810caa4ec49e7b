"""Reductions: sum, mean, prod, max/min, var/std, norm, logsumexp, cumulative ops, sort, topk...

Each reduces over `dim` (None, an int or several) with keepdim; backward re-expands the gradient.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Expand, Op
from ._util import keepdim_shape, reduce_axes

__all__ = ["sum", "mean"]


def _expand_back(grad, in_shape, axes, keepdim):
    """Broadcast a reduced gradient back over the reduced axes."""
    if not keepdim:
        grad = grad.reshape(keepdim_shape(in_shape, axes))
    return Expand.apply(grad, in_shape)


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, np_dtype):
        ctx.meta = (x.shape, axes, keepdim)
        return array_module(x).sum(x, axis=axes, keepdims=keepdim, dtype=np_dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim = ctx.meta
        return _expand_back(grad, shape, axes, keepdim)


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axes, keepdim, np_dtype):
        ctx.meta = (x.shape, axes, keepdim)
        n = x.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
        ctx.n = n
        xp = array_module(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            return xp.mean(x, axis=axes, keepdims=keepdim, dtype=np_dtype)

    @staticmethod
    def backward(ctx, grad):
        shape, axes, keepdim = ctx.meta
        return _expand_back(grad / ctx.n if ctx.n else grad * float("nan"), shape, axes, keepdim)


def _sum_dtype(t, dtype):
    if dtype is not None:
        return dtype
    return _dt.int64 if t.dtype._category < 2 else t.dtype


def sum(input, dim=None, keepdim: bool = False, *, dtype=None):  # noqa: A001
    """Sum over all elements or over `dim`; integer and bool inputs sum in int64 (PyTorch)."""
    axes = reduce_axes(dim, input._data.ndim)
    d = _sum_dtype(input, dtype)
    if d is not input.dtype:
        input = input.to(d)
    return Sum.apply(input, axes, keepdim, None)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None):
    """Arithmetic mean; only floating inputs (or an explicit floating dtype) are allowed."""
    d = dtype or input.dtype
    if not d.is_floating_point:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {_cap(d)}")
    axes = reduce_axes(dim, input._data.ndim)
    if d is not input.dtype:
        input = input.to(d)
    return Mean.apply(input, axes, keepdim, None)


def _cap(d) -> str:
    from .elementwise import _cap as cap

    return cap(d)



