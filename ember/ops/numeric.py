"""Numerical integration and differentiation of sampled data (trapezoid, cumulative_trapezoid,
gradient) and small constructions (combinations, block_diag), composed of differentiable ops."""
from __future__ import annotations

import itertools
import numbers

import numpy as np

from .. import _dtype as _dt
from . import _op
from .shape import cat

__all__ = ["block_diag", "combinations", "cumulative_trapezoid", "gradient", "trapezoid",
           "trapz"]


def _floating(y):
    return y if y.is_floating_point() or y.is_complex() else y.to(_dt.get_default_dtype())


def _pair_sum(y, dim: int):
    n = y.shape[dim]
    return y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)


def _spacing_diff(x, y, dim: int):
    """x's differences along dim, shaped to broadcast against y's pairs."""
    if x.dim() == 1:
        dx = x[1:] - x[:-1]
        shape = [1] * y.dim()
        shape[dim] = dx.shape[0]
        return dx.reshape(shape)
    return x.narrow(dim, 1, x.shape[dim] - 1) - x.narrow(dim, 0, x.shape[dim] - 1)


def trapezoid(y, x=None, *, dx=None, dim: int = -1):
    """The trapezoidal rule along dim: with sample points x, or a constant spacing dx (1)."""
    y = _floating(y)
    dim = dim % y.dim() if y.dim() else 0
    if y.dim() == 0 or y.shape[dim] == 0:  # a fresh zero (no history), as torch's
        shape = tuple(n for i, n in enumerate(y.shape) if i != dim)
        return _op._new_tensor(np.zeros(shape, dtype=y._data.dtype))
    if x is not None and not isinstance(x, numbers.Number):
        if x.dim() == 1 and x.shape[0] != y.shape[dim]:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        return (_spacing_diff(x, y, dim) * _pair_sum(y, dim)).sum(dim) / 2.0
    spacing = dx if dx is not None else (x if x is not None else 1.0)
    ends = y.select(dim, 0) + y.select(dim, -1)
    return (y.sum(dim) - ends * 0.5) * spacing


def trapz(y, x=None, *, dx=None, dim: int = -1):
    """Alias of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim: int = -1):
    """The running trapezoidal integral along dim (one fewer element than y)."""
    y = _floating(y)
    dim = dim % y.dim()
    if y.shape[dim] == 0:
        return y.narrow(dim, 0, 0)
    if x is not None and not isinstance(x, numbers.Number):
        return (_spacing_diff(x, y, dim) * _pair_sum(y, dim)).cumsum(dim) / 2.0
    spacing = dx if dx is not None else (x if x is not None else 1.0)
    return (spacing / 2.0 * _pair_sum(y, dim)).cumsum(dim)


def combinations(input, r: int = 2, with_replacement: bool = False):
    """The r-length combinations of a 1-d tensor's elements, as rows, in itertools' order."""
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    pick = itertools.combinations_with_replacement if with_replacement \
        else itertools.combinations
    rows = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return input[_op._new_tensor(rows)]


def block_diag(*tensors):
    """A block-diagonal matrix of the inputs (0-d as 1x1, 1-d as one row)."""
    mats = []
    for t in tensors:
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {len(mats)} has {t.dim()} dimensions")
        mats.append(t.reshape(1, 1) if t.dim() == 0 else t.reshape(1, -1) if t.dim() == 1 else t)
    dtype = mats[0].dtype if mats else _dt.get_default_dtype()
    for m in mats[1:]:
        dtype = _dt.promote_types(dtype, m.dtype)
    rows = sum(m.shape[0] for m in mats)
    cols = sum(m.shape[1] for m in mats)
    out = _op._new_tensor(np.zeros((rows, cols), dtype=_dt.to_numpy_dtype(dtype)))
    r = c = 0
    for m in mats:
        h, w = m.shape
        out[r:r + h, c:c + w] = m.to(dtype)
        r, c = r + h, c + w
    return out


def _gradient_1d(f, dim: int, h, edge_order: int):
    """numpy.gradient's formulas along one dim: central differences inside, one-sided (first or
    second order) at the ends; h a number or a 1-d tensor of coordinates."""
    n = f.shape[dim]

    def sl(start, length):
        return f.narrow(dim, start, length)

    def bshape(v):
        shape = [1] * f.dim()
        shape[dim] = -1
        return v.reshape(shape)

    if isinstance(h, numbers.Number):
        inner = (sl(2, n - 2) - sl(0, n - 2)) / (2.0 * h)
        if edge_order == 1:
            first = (sl(1, 1) - sl(0, 1)) / h
            last = (sl(n - 1, 1) - sl(n - 2, 1)) / h
        else:
            first = (-1.5 * sl(0, 1) + 2.0 * sl(1, 1) - 0.5 * sl(2, 1)) / h
            last = (0.5 * sl(n - 3, 1) - 2.0 * sl(n - 2, 1) + 1.5 * sl(n - 1, 1)) / h
        return inner, first, last
    dx = h[1:] - h[:-1]
    dx1, dx2 = dx[:-1], dx[1:]
    a = bshape(-dx2 / (dx1 * (dx1 + dx2)))
    b = bshape((dx2 - dx1) / (dx1 * dx2))
    c = bshape(dx1 / (dx2 * (dx1 + dx2)))
    inner = a * sl(0, n - 2) + b * sl(1, n - 2) + c * sl(2, n - 2)
    if edge_order == 1:
        first = (sl(1, 1) - sl(0, 1)) / dx[0]
        last = (sl(n - 1, 1) - sl(n - 2, 1)) / dx[-1]
    else:
        d1, d2 = dx[0], dx[1]
        first = (-(2.0 * d1 + d2) / (d1 * (d1 + d2)) * sl(0, 1) + (d1 + d2) / (d1 * d2) * sl(1, 1)
                 - d1 / (d2 * (d1 + d2)) * sl(2, 1))
        d1, d2 = dx[-2], dx[-1]
        last = (d2 / (d1 * (d1 + d2)) * sl(n - 3, 1) - (d2 + d1) / (d1 * d2) * sl(n - 2, 1)
                + (2.0 * d2 + d1) / (d2 * (d1 + d2)) * sl(n - 1, 1))
    return inner, first, last


def gradient(input, *, spacing=1, dim=None, edge_order: int = 1):
    """Estimated derivatives of sampled values along each dim (numpy.gradient's rules): a tuple
    with one tensor per dim; spacing a number, one number per dim, or coordinates per dim."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(input.dim())) if dim is None else (
        [dim] if isinstance(dim, int) else list(dim))
    dims = [d % input.dim() for d in dims]
    if spacing is None:
        spacing = 1
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or "
                               f"it's spacing and dim arguments to have the same length, but got "
                               f"a spacing argument of length {len(spacing)} and a dim argument "
                               f"of length {len(dims)}.")
        spacings = [s.item() if isinstance(s, _op.Tensor) and s.dim() == 0 else s
                    for s in spacing]
    else:
        spacings = [spacing.item() if isinstance(spacing, _op.Tensor) else spacing] * len(dims)
    f = _floating(input)
    outs = []
    for d, h in zip(dims, spacings):
        if f.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
        inner, first, last = _gradient_1d(f, d, h, edge_order)
        outs.append(cat([first, inner, last], d))
    return tuple(outs)
