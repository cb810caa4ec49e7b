"""scatter_reduce: src's values reduced ('sum', 'prod', 'mean', 'amax', 'amin') into input at
index along a dim, with torch's gradients for every reduction.

'sum' is ScatterAdd. The others compute values with NumPy's unbuffered ufunc.at and write their
backward in ember ops: mean divides by each slot's count; amax/amin share the gradient equally
among the elements that equal the result; prod divides the result by each factor, with the
products of the other factors where a factor is zero.
"""
from __future__ import annotations

import numpy as np

from ..backend import array_module
from . import _op
from ._op import Op
from .indexing import Scatter, ScatterAdd, _along, _check_along, _check_index

__all__ = ["scatter_reduce"]

_UFUNCS = {"prod": "multiply", "mean": "add", "amax": "maximum", "amin": "minimum"}


def _reduce_arrays(x, idx, src, axis: int, reduce: str, include_self: bool):
    """The forward on arrays: x with src[:idx.shape] reduced in at idx along axis."""
    xp = array_module(x)
    y = x.copy()
    key = _along(idx, axis)
    s = src[tuple(slice(0, n) for n in idx.shape)]
    if not include_self:
        fill = {"prod": 1, "mean": 0, "amax": -np.inf, "amin": np.inf}[reduce]
        if y.dtype.kind != "f" and reduce in ("amax", "amin"):
            info = np.iinfo(y.dtype) if y.dtype.kind in "iu" else None
            fill = (info.min if reduce == "amax" else info.max) if info else reduce == "amin"
        y[key] = fill
    getattr(xp, _UFUNCS[reduce]).at(y, key, s)
    if reduce == "mean":
        count = xp.zeros(x.shape, x.dtype) + (1 if include_self else 0)
        xp.add.at(count, key, 1)
        if x.dtype.kind in "fc":
            y = (y / xp.maximum(count, 1)).astype(x.dtype)
        else:
            y = xp.floor_divide(y, xp.maximum(count, 1)).astype(x.dtype)
    return y


class ScatterReduce(Op):
    """The prod/mean/amax/amin reductions of scatter_reduce."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, src, idx, axis, reduce, include_self):
        ctx.meta = (idx, axis, reduce, include_self)
        ctx.save_output()
        return _reduce_arrays(x, idx, src, axis, reduce, include_self)

    @staticmethod
    def backward(ctx, grad):
        x, src = ctx.inputs
        idx, axis, reduce, include_self = ctx.meta
        index = _op._new_tensor(idx)
        part = src[tuple(slice(0, n) for n in idx.shape)]
        touched = _touched(x, idx, axis)
        if reduce == "mean":
            gx, gs = _mean_grads(grad, x, index, axis, include_self)
        elif reduce == "prod":
            gx, gs = _prod_grads(grad, x, part, ctx.output, index, axis, include_self)
        else:
            gx, gs = _extremum_grads(grad, x, part, ctx.output, index, axis)
        if not include_self:  # the overwritten input slots reach nothing
            gx = gx.masked_fill(touched, 0)
        if tuple(part.shape) != tuple(src.shape):  # only src[:index.shape] took part
            full = _op._new_tensor(array_module(grad._data).zeros(src.shape, grad._data.dtype))
            full[tuple(slice(0, n) for n in idx.shape)] = gs
            gs = full
        return gx, gs, None, None, None, None


def _touched(x, idx, axis):
    """A bool tensor of x's shape: True where some src element lands."""
    xp = array_module(x._data)
    mask = xp.zeros(x.shape, bool)
    if idx.size:
        mask[_along(idx, axis) if x.ndim else ()] = True
    return _op._new_tensor(mask)


def _gather(t, index, axis):
    return t.gather(axis, index) if t.dim() else t.reshape(1).gather(0, index)


def _scatter_add(base, index, values, axis):
    return ScatterAdd.apply(base, index._data, values, axis)


def _mean_grads(grad, x, index, axis, include_self):
    ones = grad.new_ones(tuple(index.shape))
    count = _scatter_add(grad.new_ones(tuple(x.shape)) if include_self
                         else grad.new_zeros(tuple(x.shape)), index, ones, axis)
    count = count.masked_fill(count == 0, 1)
    return grad / count, _gather(grad, index, axis) / _gather(count, index, axis)


def _extremum_grads(grad, x, part, y, index, axis):
    # an input slot equal to the result takes its share even when include_self=False (its
    # gradient is then zeroed): torch counts it, so the src elements get less
    self_hit = x == y
    src_hit = part == _gather(y, index, axis)
    n = _scatter_add(self_hit.to(grad.dtype), index, src_hit.to(grad.dtype), axis)
    share = grad / n.masked_fill(n == 0, 1)
    return share * self_hit, _gather(share, index, axis) * src_hit


def _prod_grads(grad, x, part, y, index, axis, include_self):
    masked_x = x.masked_fill(x == 0, 1)
    others_x = masked_x.scatter_reduce(axis, index, part, "prod", include_self=include_self)
    gx = grad * others_x / masked_x
    zero = part == 0
    zeros_in_slot = _gather(_scatter_add(grad.new_zeros(tuple(x.shape)), index,
                                         zero.to(grad.dtype), axis), index, axis)
    lone_zero = zero & (zeros_in_slot == 1)
    others_src = x.scatter_reduce(axis, index, part.masked_fill(lone_zero, 1), "prod",
                                  include_self=include_self)
    gs = _gather(grad * y, index, axis) / part.masked_fill(zero, 1)
    gs = gs.where(~lone_zero, _gather(grad * others_src, index, axis))
    return gx, gs


def scatter_reduce(input, dim: int, index, src, reduce: str, *, include_self: bool = True,
                   out=None):
    """input with src reduced in at index along dim (torch.scatter_reduce)."""
    idx = _check_index(index, "scatter_reduce")
    axis = _check_along(input, idx, dim, "scatter_reduce", src)
    if reduce == "sum":
        base = input if include_self else Scatter.apply(input, idx, 0.0, axis)
        result = ScatterAdd.apply(base, idx, src, axis)
    elif reduce in _UFUNCS:
        result = ScatterReduce.apply(input, src, idx, axis, reduce, include_self)
    else:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if out is not None:
        out.copy_(result)
        return out
    return result
