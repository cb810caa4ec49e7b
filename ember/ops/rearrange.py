"""Shape ops, continued: repeat/tile, flip/roll/rot90, tril/triu (and their indices),
diagonal/diag, unfold, meshgrid/cartesian_prod.

The rest of the shape family (view, reshape, permute, expand, cat, split...) is in shape.py.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Op
from ._output import _cap, _out
from ._util import wrap_dim
from .creation import tensor as _tensor
from .indexing import index_select
from .shape import expand, reshape, stack, transpose

__all__ = [
    "cartesian_prod",
    "diag",
    "diag_embed",
    "diagonal",
    "flip",
    "fliplr",
    "flipud",
    "meshgrid",
    "repeat_interleave",
    "roll",
    "rot90",
    "tile",
    "tril",
    "tril_indices",
    "triu",
    "triu_indices",
]


# ---- repeat / tile / repeat_interleave ---------------------------------------------------------


class Repeat(Op):
    @staticmethod
    def forward(ctx, x, reps):
        lead = len(reps) - x.ndim
        shape = (1,) * lead + x.shape
        ctx.meta = (x.shape, shape, reps)
        return array_module(x).tile(x.reshape(shape), reps)

    @staticmethod
    def backward(ctx, grad):
        in_shape, shape, reps = ctx.meta
        split = tuple(v for r, s in zip(reps, shape) for v in (r, s))
        g = reshape(grad, split).sum(tuple(range(0, len(split), 2)))
        return reshape(g, in_shape), None


def repeat(input, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"{list(sizes)}")
    return Repeat.apply(input, sizes)


def tile(input, dims):
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) < n:
        dims = (1,) * (n - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # repeat_interleave(repeats_tensor): indices 0..n-1 repeated
        r = input._data
        xp = array_module(r)
        return _op._new_tensor(xp.repeat(xp.arange(r.shape[0], dtype=np.int64), r))
    x = input
    if dim is None:
        x = reshape(input, (-1,))
        dim = 0
    elif x._data.ndim == 0:  # PyTorch refuses any dim of a 0-d input here
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    axis = wrap_dim(dim, x._data.ndim)
    size = x._data.shape[axis] if x._data.ndim else 1
    xp = array_module(x._data)
    if isinstance(repeats, _op.Tensor):
        r = repeats._data
        if r.ndim > 1 or (r.size != 1 and r.size != size):
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        r = r.reshape(-1)
    else:
        r = xp.asarray([int(repeats)])
    if r.size and int(r.min()) < 0:
        raise RuntimeError("repeats can not be negative")
    if r.size == 1:
        r = xp.full(size, int(r[0]))
    idx = xp.repeat(xp.arange(size, dtype=np.int64), r)
    if x._data.ndim == 0:
        x = reshape(x, (1,))
    return index_select(x, axis, _op._new_tensor(idx))


# ---- flip / roll / rot90 / tril / triu ---------------------------------------------------------


class Flip(Op):
    """Reverse the given axes: a copy, as in PyTorch (FlipBackward0)."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return array_module(x).flip(x, axes).copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.axes), None


def _dims(dims, n: int, name: str) -> tuple:
    if isinstance(dims, int):
        dims = (dims,)
    axes = tuple(wrap_dim(d, n) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return axes


def flip(input, *dims, **kwargs):
    if kwargs:  # torch.flip(x, dims=(0,)) and x.flip(dims=...)
        if dims or set(kwargs) != {"dims"}:
            raise TypeError(f"flip() got an unexpected keyword argument "
                            f"'{next(k for k in kwargs if k != 'dims' or dims)}'")
        dims = (kwargs["dims"],)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    axes = _dims(dims, input._data.ndim, "flip")
    return Flip.apply(input, axes if input._data.ndim else ())  # a 0-d flip is a copy


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


class Roll(Op):
    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.meta = (shifts, axes)
        xp = array_module(x)
        if axes is None:
            return xp.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
        return xp.roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        shifts, axes = ctx.meta
        return Roll.apply(grad, tuple(-s for s in shifts), axes), None, None


def roll(input, shifts, dims=None):
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(
        int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(input, shifts, None)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    n = input._data.ndim
    if n == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return Roll.apply(input, shifts, tuple(wrap_dim(d, n) for d in dims))


def rot90(input, k: int = 1, dims=(0, 1)):
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), (d1,))
    return input.clone()


class Tril(Op):
    @staticmethod
    def forward(ctx, x, k, upper):
        ctx.meta = (k, upper)
        xp = array_module(x)
        return xp.triu(x, k) if upper else xp.tril(x, k)

    @staticmethod
    def backward(ctx, grad):
        k, upper = ctx.meta
        return (Triu if upper else Tril).apply(grad, k, upper), None, None


class Triu(Tril):
    pass


def tril(input, diagonal: int = 0, *, out=None):
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return _out(Tril.apply(input, int(diagonal), False), out)


def triu(input, diagonal: int = 0, *, out=None):
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return _out(Triu.apply(input, int(diagonal), True), out)


# ---- diagonal / diag / diag_embed / unfold: strided views ---------------------------------------


def _strided(x, shape, strides):
    return array_module(x).lib.stride_tricks.as_strided(x, shape, strides)


def _diag_view(x, offset, a1, a2):
    """A writable view of the offset-diagonal of axes (a1, a2), moved to the last axis."""
    n1, n2 = x.shape[a1], x.shape[a2]
    length = max(min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2), 0)
    start = (0, offset) if offset >= 0 else (-offset, 0)
    st = x.strides
    if length == 0:
        start = (0, 0)
    idx = [slice(None)] * x.ndim
    idx[a1] = slice(start[0], start[0] + 1) if length else slice(0, 0)
    idx[a2] = slice(start[1], start[1] + 1) if length else slice(0, 0)
    base = x[tuple(idx)]
    rest = [i for i in range(x.ndim) if i not in (a1, a2)]
    shape = tuple(x.shape[i] for i in rest) + (length,)
    strides = tuple(st[i] for i in rest) + (st[a1] + st[a2],)
    return _strided(base, shape, strides)


class Diagonal(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, a1, a2):
        ctx.meta = (x.shape, offset, a1, a2)
        return _diag_view(x, offset, a1, a2)

    @staticmethod
    def backward(ctx, grad):
        shape, offset, a1, a2 = ctx.meta
        return DiagonalGrad.apply(grad, shape, offset, a1, a2), None, None, None


class DiagonalGrad(Op):
    """zeros(shape) with g written on the diagonal: the adjoint of Diagonal (DiagEmbed-like)."""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, a1, a2):
        ctx.meta = (offset, a1, a2)
        out = array_module(g).zeros(shape, g.dtype)
        _diag_view(out, offset, a1, a2)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        offset, a1, a2 = ctx.meta
        return Diagonal.apply(grad, offset, a1, a2), None, None, None, None


class DiagEmbed(DiagonalGrad):
    node_name = "DiagEmbedBackward0"


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    n = input._data.ndim
    a1, a2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if a1 == a2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), a1, a2)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1):
    shape = input._data.shape
    n = len(shape) + 1
    a1, a2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if a1 == a2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    m = shape[-1] + abs(offset) if shape else abs(offset) + 1
    rest = list(shape[:-1])
    out = []
    for i in range(n):
        out.append(m if i in (a1, a2) else rest.pop(0))
    x = input if shape else reshape(input, (1,))
    return DiagEmbed.apply(x, tuple(out), int(offset), a1, a2)


def diag(input, diagonal: int = 0, *, out=None):
    n = input._data.ndim
    if n == 1:
        return _out(diag_embed(input, diagonal, 0, 1), out)
    if n != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")
    return _out(Diagonal.apply(input, int(diagonal), 0, 1).clone(), out)


class Unfold(Op):
    """Sliding windows of `size` every `step` along an axis, as a new last dim (a view)."""

    is_view = True

    @staticmethod
    def forward(ctx, x, axis, size, step):
        ctx.meta = (x.shape, axis, size, step)
        if x.ndim == 0:
            return x.reshape(1)
        count = (x.shape[axis] - size) // step + 1
        shape = x.shape[:axis] + (count,) + x.shape[axis + 1:] + (size,)
        st = x.strides
        strides = st[:axis] + (st[axis] * step,) + st[axis + 1:] + (st[axis],)
        return _strided(x, shape, strides)

    @staticmethod
    def backward(ctx, grad):
        return UnfoldGrad.apply(grad, *ctx.meta), None, None, None


class UnfoldGrad(Op):
    """The adjoint of Unfold: windows' gradients summed back where they overlap."""

    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, axis, size, step):
        ctx.meta = (axis, size, step)
        out = array_module(g).zeros(shape, g.dtype)
        if not shape:
            return g.reshape(())
        view_ = Unfold.forward(ctx, out, axis, size, step)
        ctx.meta = (axis, size, step)
        for j in range(size):  # windows overlap: add one window offset at a time
            view_[..., j] += g[..., j]
        return out

    @staticmethod
    def backward(ctx, grad):
        axis, size, step = ctx.meta
        return Unfold.apply(grad, axis, size, step), None, None, None, None


def unfold(input, dimension: int, size: int, step: int):
    n = input._data.ndim
    axis = wrap_dim(dimension, n)
    length = input._data.shape[axis] if n else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {axis} is {length} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    return Unfold.apply(input, axis, size, step)


# ---- index and grid constructors ----------------------------------------------------------------


def _tri_indices(row: int, col: int, offset: int, lower: bool, dtype, device):
    """The (2, N) coordinates of the lower (or upper) triangle, row by row as torch lists them."""
    if dtype is None:
        dtype = _dt.int64
    if dtype not in (_dt.int64, _dt.int32):
        raise NotImplementedError(f'"{"tril" if lower else "triu"}_indices" not implemented for '
                                  f"'{_cap(dtype)}'")
    r, c = np.nonzero(np.tri(row, col, offset, dtype=bool) if lower
                      else ~np.tri(row, col, offset - 1, dtype=bool))
    return _tensor(np.stack([r, c]).astype(_dt.to_numpy_dtype(dtype)), device=device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """Coordinates of the lower triangle (with `offset` diagonals above the main one)."""
    return _tri_indices(row, col, offset, True, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """Coordinates of the upper triangle (from `offset` diagonals above the main one)."""
    return _tri_indices(row, col, offset, False, dtype, device)


def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids of 0-d/1-d tensors: each input viewed along its own axis and expanded
    (views, as torch's); indexing 'ij' (matrix, the default) or 'xy' (Cartesian)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f"{indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t.dim()}D tensor")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    sizes = [t.numel() for t in tensors]
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:  # the first two inputs vary along swapped axes
        axes[0], axes[1] = 1, 0
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for t, axis in zip(tensors, axes):
        view = [1] * len(tensors)
        view[axis] = -1
        grids.append(expand(reshape(t, view), sizes))
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of the 1-d inputs' elements, one per row (a 1-d input is returned)."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], dim=1)
