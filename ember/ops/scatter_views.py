"""Out-of-place writes into views and their relatives: select/slice/diagonal/as_strided_scatter,
index_put, put, fill_diagonal_, as_strided, the h/v/dsplit family, diagflat, addr, narrow_copy.

Most are compositions of differentiable ops (a clone, then an indexed assignment, which autograd
records as CopySlices), so their gradients need no formulas of their own; as_strided is one op
over the tensor's storage, with a scatter-add backward.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from . import _op
from ._op import Op
from ._output import with_out
from ._util import storage_root
from .indexing import IndexAdd, IndexPut
from .shape import split, tensor_split

__all__ = ["addr", "as_strided", "as_strided_scatter", "diagflat", "diagonal_scatter", "dsplit",
           "hsplit", "index_put", "narrow_copy", "put", "select_scatter", "slice_scatter",
           "split_with_sizes", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes",
           "vsplit"]


# ---- splits -------------------------------------------------------------------------------------

def _dim_split(input, sections, dim: int, min_dims: int, name: str):
    if input.dim() < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, "
                           f"but got a tensor with {input.dim()} dimensions!")
    if isinstance(sections, int):
        size = input.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {size} is not divisible by the split_size "
                               f"{sections}!")
    return tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):
    """Split along dim 1 (dim 0 for 1-d tensors), as numpy.hsplit."""
    return _dim_split(input, indices_or_sections, 0 if input.dim() == 1 else 1, 1, "hsplit")


def vsplit(input, indices_or_sections):
    """Split along dim 0 of a tensor with 2 or more dims, as numpy.vsplit."""
    return _dim_split(input, indices_or_sections, 0, 2, "vsplit")


def dsplit(input, indices_or_sections):
    """Split along dim 2 of a tensor with 3 or more dims, as numpy.dsplit."""
    return _dim_split(input, indices_or_sections, 2, 3, "dsplit")


def split_with_sizes(input, split_sizes, dim: int = 0):
    """Split into pieces of the given sizes, which must add up to the dim's size."""
    size = input.shape[dim]
    if sum(split_sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                           f"(input tensor's size at dimension {dim}), but got "
                           f"split_sizes={list(split_sizes)}")
    return split(input, list(split_sizes), dim)


def unsafe_split(input, split_size: int, dim: int = 0):
    """split (torch's variant that does not track the pieces as views)."""
    return split(input, split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim: int = 0):
    """split_with_sizes (torch's variant that does not track the pieces as views)."""
    return split_with_sizes(input, split_sizes, dim)


def unsafe_chunk(input, chunks: int, dim: int = 0):
    """chunk (torch's variant that does not track the pieces as views)."""
    return input.chunk(chunks, dim)


@with_out
def narrow_copy(input, dim: int, start: int, length: int):
    """narrow, as a new tensor instead of a view."""
    return input.narrow(dim, start, length).clone()


# ---- scatters into views -----------------------------------------------------------------------

def _check_src(src, slice_shape) -> None:
    """torch's error when src does not have the shape of the region it is written to."""
    if tuple(src.shape) != tuple(slice_shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(slice_shape)}")


def _write(input, key, src):
    out = input.clone()
    _check_src(src, out[key].shape)
    out[key] = src
    return out


def select_scatter(input, src, dim: int, index: int):
    """A copy of input whose slice input.select(dim, index) is src."""
    dim = dim % input.dim()
    return _write(input, (slice(None),) * dim + (index,), src)


def slice_scatter(input, src, dim: int = 0, start=None, end=None, step: int = 1):
    """A copy of input whose slice [start:end:step] along dim is src."""
    dim = dim % input.dim()
    return _write(input, (slice(None),) * dim + (slice(start, end, step),), src)


def diagonal_scatter(input, src, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """A copy of input whose diagonal (offset, dim1, dim2) is src."""
    out = input.clone()
    diag = out.diagonal(offset, dim1, dim2)
    _check_src(src, diag.shape)
    diag.copy_(src)
    return out


def _index_key(indices) -> tuple:
    key = []
    for t in indices:
        if t is None:
            key.append(slice(None))
            continue
        arr = t._data if isinstance(t, _op.Tensor) else np.asarray(t)
        if arr.dtype == np.bool_:
            key.extend(np.nonzero(arr))
        elif arr.dtype.kind in "iu":
            key.append(arr.astype(np.int64, copy=False))
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return tuple(key)


def index_put(input, indices, values, accumulate: bool = False):
    """A copy of input with input[indices] = values (or += with accumulate, duplicates summed)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    key = _index_key(indices)
    target_shape = input._data[key].shape
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{input.dtype.name.capitalize()} for the destination and "
                           f"{values.dtype.name.capitalize()} for the source.")
    src = values.broadcast_to(target_shape) if tuple(values.shape) != target_shape else values
    if accumulate:
        return IndexAdd.apply(input, key, src, 1)
    return IndexPut.apply(input, key, src)


def put(input, index, source, accumulate: bool = False):
    """A copy of input with the elements at flat positions `index` set to (or increased by)
    `source`, as if input were 1-d."""
    n = input.numel()
    idx = np.asarray(index._data, dtype=np.int64).reshape(-1)
    bad = (idx >= n) | (idx < -n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad][0])} on a tensor of "
                         f"{n} elements.")
    flat = input.reshape(-1).clone()
    positions = _op._new_tensor(np.where(idx < 0, idx + n, idx))
    src = source.reshape(-1)
    if accumulate:
        flat = flat.index_add(0, positions, src)
    else:
        flat[positions] = src
    return flat.reshape(input.shape)


# ---- as_strided ---------------------------------------------------------------------------------

def _storage(a: np.ndarray):
    """(the flat storage array a is a view of, a's offset into it in elements)."""
    root, start = storage_root(a)
    if not root.flags.c_contiguous:
        return np.ascontiguousarray(root).reshape(-1), 0
    return root.reshape(-1), start // a.itemsize


def _strided_positions(size, stride, offset: int) -> np.ndarray:
    pos = np.full(tuple(size), offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return pos


class AsStrided(Op):
    """A view of the input's storage with the given sizes, element strides and offset."""

    is_view = True
    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, x, size, stride, storage_offset):
        storage, own = _storage(x)
        offset = own if storage_offset is None else storage_offset
        need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
        if offset + need > storage.size or offset < 0:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                               f"offset {offset}, and itemsize {x.itemsize} requiring a storage "
                               f"size of {(offset + need) * x.itemsize} are out of bounds for "
                               f"storage of size {storage.size * x.itemsize}")
        ctx.positions = _strided_positions(size, stride, offset)
        ctx.input_positions = _strided_positions(x.shape, [s // x.itemsize for s in x.strides],
                                                 own)
        ctx.storage_size = storage.size
        return np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                               strides=tuple(s * x.itemsize for s in stride))

    @staticmethod
    def backward(ctx, grad):
        g = grad._data
        total = np.zeros(ctx.storage_size, dtype=g.dtype)
        np.add.at(total, ctx.positions.reshape(-1), g.reshape(-1))
        return _op._new_tensor(total[ctx.input_positions])


def as_strided(input, size, stride, storage_offset=None):
    """A view of input's storage with the given sizes and element strides."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    return AsStrided.apply(input, size, stride, storage_offset)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of input whose as_strided(size, stride, storage_offset) view is src; the copy's
    storage is input's elements in row-major order (torch's clone of a contiguous input)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    _check_src(src, size)
    positions = _strided_positions(size, stride, storage_offset or 0)
    if positions.size and (positions.max() >= input.numel() or positions.min() < 0):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {storage_offset or 0} are out of bounds for storage of "
                           f"{input.numel()} elements")
    return put(input, _op._new_tensor(positions), src)


# ---- small constructions ------------------------------------------------------------------------

def diagflat(input, offset: int = 0):
    """A 2-d tensor with input's elements (flattened) on the diagonal `offset`."""
    flat = input.reshape(-1)
    n = flat.shape[0] + abs(offset)
    out = flat.new_zeros((n, n))
    return diagonal_scatter(out, flat, offset)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2) (input ignored when beta is 0)."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.dim()}-D")
    outer = vec1.unsqueeze(1) * vec2.unsqueeze(0)
    if input.dtype is _dt.bool:
        res = outer.logical_and(outer) if beta == 0 else input.logical_or(outer)
    else:
        scaled = outer if alpha == 1 else outer * alpha
        if beta == 0:  # input ignored (nan and inf too), but it still gets a zero gradient
            res = scaled + input.mul(0).nan_to_num(0.0, 0.0, 0.0)
        else:
            res = (input if beta == 1 else input * beta) + scaled
    if out is not None:
        out.copy_(res)
        return out
    return res
