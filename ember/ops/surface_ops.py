"""torch.* functions built from ember's ops: the native_* normalisations with their saved
statistics, index_reduce, unravel_index, nonzero_static, norm_except_dim, slice_inverse, the
buffer/file constructors, and the torch.* spellings of in-place Tensor methods (torch.gcd_).
"""
from __future__ import annotations

import mmap

import numpy as np

from .. import _dtype as _dt
from ..autograd.grad_mode import no_grad
from ..backend import array_module
from . import _op, creation
from . import dropout as _dropout
from . import normalization as _norm
from .embedding import _renorm_
from .scatter_views import as_strided

__all__ = [
    "addmv_", "as_strided_", "batch_norm_update_stats", "conj_physical_", "embedding_renorm_",
    "empty_permuted", "from_file", "frombuffer", "gcd_", "hash_tensor", "index_put_",
    "index_reduce", "lcm_",
    "native_batch_norm", "native_dropout", "native_group_norm", "native_layer_norm",
    "nonzero_static", "norm_except_dim", "resize_as_", "slice_inverse", "unravel_index",
]


# ---- torch.* spellings of in-place methods ----------------------------------------------------


def gcd_(input, other):
    return input.gcd_(other)


def lcm_(input, other):
    return input.lcm_(other)


def index_put_(input, indices, values, accumulate: bool = False):
    return input.index_put_(indices, values, accumulate)


def resize_as_(input, the_template, *, memory_format=None):
    return input.resize_as_(the_template)


def addmv_(input, mat, vec, *, beta=1, alpha=1):
    return input.addmv_(mat, vec, beta=beta, alpha=alpha)


def conj_physical_(input):
    return input.conj_physical_()


def as_strided_(input, size, stride, storage_offset: int | None = None):
    """Make input itself the as_strided view of its storage (torch's in-place restride)."""
    if input.requires_grad and input.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    old = input._data
    view = as_strided(input.detach(), size, stride, storage_offset)
    if input._base is None:  # storage_offset() reads the offset against the old memory
        input._base = _op._new_tensor(old)
        input._base._vbox = input._vbox
    input._data = view._data
    input._vbox[0] += 1
    return input


# ---- indexing ---------------------------------------------------------------------------------


def index_reduce(input, dim: int, index, source, reduce: str, *,
                 include_self: bool = True):
    """input with source's slices reduced ('prod', 'mean', 'amax', 'amin') into the slices of
    dim that index names: scatter_reduce with the index spread along dim."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    if index.dim() > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if index.dtype not in (_dt.int64, _dt.int32):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({input.dtype}) and source "
                           f"({source.dtype}) must have the same scalar type")
    nd = max(input.dim(), 1)
    dim = dim % nd
    src = source if source.dim() else source.reshape(1)
    if index.numel() != (src.shape[dim] if src.dim() else 1):
        raise IndexError("index_reduce_(): Index should have dimension 1 and the same number of "
                         "elements as the source along dim")
    shape = [1] * src.dim()
    shape[dim] = index.numel()
    spread = index.reshape(shape).to(_dt.int64).expand(src.shape)
    x = input if input.dim() else input.reshape(1)
    out = x.scatter_reduce(dim, spread, src, reduce, include_self=include_self)
    return out.reshape(input.shape) if not input.dim() else out


def unravel_index(indices, shape) -> tuple:
    """The coordinates of flat indices in an array of `shape` (wrapping modulo each size, as
    torch does for out-of-range and negative indices)."""
    if not isinstance(indices, _op.Tensor):
        raise TypeError(f"expected 'indices' to be a Tensor, but got {type(indices).__name__}")
    if indices.dtype._category != _dt._INT:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    xp = array_module(indices._data)
    x = xp.asarray(indices._data, dtype=np.int64)
    coords = []
    for n in reversed(shape):
        coords.append(_op._new_tensor(xp.asarray(xp.mod(x, n) if n else xp.zeros_like(x))))
        x = xp.floor_divide(x, n) if n else x
    return tuple(reversed(coords))


def nonzero_static(input, *, size: int, fill_value: int = -1):
    """nonzero() cut or padded (with fill_value rows) to exactly `size` rows."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got "
                           f"{size}")
    found = input.nonzero()._data[:size]
    xp = array_module(found)
    pad = xp.full((size - found.shape[0], found.shape[1]), fill_value, dtype=np.int64)
    return _op._new_tensor(xp.concatenate([found, pad]))


def slice_inverse(input, src, dim: int = 0, start=None, end=None,
                  step: int = 1):
    """The inverse of slice for functionalization: a view of input's storage with src's
    sizes, strides and offset."""
    return as_strided(input, src.shape, src.stride(), src.storage_offset())


def norm_except_dim(v, pow: float = 2, dim: int = 0):
    """The p-norm over every dim but `dim` (weight norm's g), kept as size-1 dims; dim=-1 is the
    norm of everything."""
    if dim == -1:
        return v.norm(pow)
    dims = [d for d in range(v.dim()) if d != dim]
    return v.norm(pow, dim=dims, keepdim=True)


def hash_tensor(input, dim=(), *, keepdim: bool = False, mode: int = 0):
    """XOR of the elements' 64-bit patterns (floats as float64, integers as int64) over `dim`
    (all dims when empty), as uint64."""
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    a = input._data
    xp = array_module(a)
    if a.dtype.kind == "c":
        raise NotImplementedError(f'"xor_sum_cpu" not implemented for '
                                  f"'{_dt._scalar_name(input.dtype)}'")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims and a.size == 0:
        raise RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' arg")
    axes = tuple(d % max(a.ndim, 1) for d in dims) if dims else None
    wide = np.float64 if input.dtype.is_floating_point else np.int64
    bits = a.astype(wide).view(np.uint64)
    out = xp.bitwise_xor.reduce(bits, axis=axes, keepdims=keepdim) if a.ndim else bits
    return _op._new_tensor(xp.asarray(out, dtype=np.uint64))


# ---- native_* normalisations (outputs plus the saved statistics) ------------------------------


def _invstd(var, eps: float):
    return (var + eps).rsqrt()


def native_layer_norm(input, normalized_shape, weight,
                      bias, eps: float) -> tuple:
    """(layer_norm(input), mean, rstd); the statistics keep size-1 normalised dims."""
    shape = tuple(normalized_shape)
    out = _norm.layer_norm(input, shape, weight, bias, eps)
    x = input.detach()
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    mean = x.mean(dims, keepdim=True)
    var = x.var(dims, correction=0, keepdim=True)
    return out, mean, _invstd(var, eps)


def native_batch_norm(input, weight, bias,
                      running_mean, running_var, training: bool,
                      momentum: float, eps: float) -> tuple:
    """(batch_norm(input), saved mean, saved invstd); in eval the saved ones are empty."""
    out = _norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                           eps)
    if not training:
        empty = creation.empty((0,), dtype=input.dtype)
        return out, empty, empty.clone()
    x = input.detach()
    dims = (0,) + tuple(range(2, input.dim()))
    return out, x.mean(dims), _invstd(x.var(dims, correction=0), eps)


def native_group_norm(input, weight, bias, N: int, C: int,
                      HxW: int, group: int, eps: float) -> tuple:
    """(group_norm(input), mean, rstd), the statistics of shape (N, group)."""
    out = _norm.group_norm(input, group, weight, bias, eps)
    x = input.reshape(N, group, -1)  # torch's statistics here carry gradients
    return out, x.mean(2), _invstd(x.var(2, correction=0), eps)


def batch_norm_update_stats(input, running_mean,
                            running_var, momentum: float) -> tuple:
    """(batch mean, biased batch var) per channel; the running stats move by momentum (unbiased
    var), in place."""
    dims = (0,) + tuple(range(2, input.dim()))
    mean, var = input.mean(dims), input.var(dims, correction=0)
    n = input.numel() // max(input.shape[1], 1)
    with no_grad():
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(mean * momentum)
        if running_var is not None:
            unbiased = var * (n / (n - 1)) if n > 1 else var
            running_var.mul_(1 - momentum).add_(unbiased * momentum)
    return mean, var


def native_dropout(input, p: float, train: bool | None) -> tuple:
    """(dropout output, kept mask as bool), drawing the mask as torch.dropout does."""
    if train is False:  # None trains, as torch's
        return input.clone(), creation.ones(input.shape, dtype=_dt.bool)
    noise = _dropout._noise_like(input, False)
    noise.bernoulli_(1 - p)
    mask = noise.to(_dt.bool)
    scale = 0.0 if p == 1 else 1.0 / (1 - p)
    kept = input * noise
    if train is None:  # torch's backward then leaves the scale out of the gradient
        return kept + (kept * (scale - 1)).detach(), mask
    return kept * scale, mask


def embedding_renorm_(input, indices, max_norm: float, norm_type: float
                      ):
    """Rescale, in place, the rows `indices` names whose norm exceeds max_norm."""
    _renorm_(input, indices._data, max_norm, norm_type)
    return input


# ---- constructors over memory -----------------------------------------------------------------


def frombuffer(buffer, *, dtype: _dt.dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False):
    """A 1-D tensor over an object with the buffer protocol, sharing its memory."""
    view = memoryview(buffer)
    if view.nbytes == 0:
        raise ValueError("both buffer length (0) and count (-1) must not be 0")
    if offset < 0 or offset >= view.nbytes:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({view.nbytes} bytes) minus 1")
    a = np.frombuffer(buffer, dtype=_dt.to_numpy_dtype(dtype), count=count, offset=offset)
    return _op._new_tensor(a, requires_grad)


def from_file(filename: str, shared: bool | None = None, size: int | None = 0, *,
              dtype: _dt.dtype | None = None, layout=None, device=None, pin_memory=False,
              requires_grad: bool = False):
    """`size` elements read from a file; shared=True maps it so writes reach the file."""
    np_dtype = _dt.to_numpy_dtype(dtype or _dt.get_default_dtype())
    size = size or 0
    nbytes = size * np_dtype.itemsize
    with open(filename, "r+b" if shared else "rb") as f:
        f.seek(0, 2)
        have = f.tell()
        if have < nbytes:
            raise RuntimeError(f"unable to mmap {nbytes} bytes from file <{filename}>: Cannot "
                               "allocate memory (12)")
        if nbytes == 0:
            a = np.empty(0, dtype=np_dtype)
        else:
            access = mmap.ACCESS_WRITE if shared else mmap.ACCESS_COPY
            a = np.frombuffer(mmap.mmap(f.fileno(), nbytes, access=access), dtype=np_dtype)
    return _op._new_tensor(a, requires_grad)


def empty_permuted(size, physical_layout, *, dtype: _dt.dtype | None = None, layout=None,
                   device=None, pin_memory: bool = False, requires_grad: bool = False):
    """An uninitialised tensor of `size` whose memory runs in the dim order physical_layout
    (outermost first)."""
    size, order = tuple(int(s) for s in size), tuple(int(d) for d in physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError(f"Dimension out of range or repeated in physical_layout {order}")
    base = creation.empty(tuple(size[d] for d in order), dtype=dtype, device=device)
    inverse = [order.index(d) for d in range(len(size))]
    out = base.permute(inverse)
    out = _op._new_tensor(out._data, False)  # a fresh leaf, not a view of base
    return out.requires_grad_(requires_grad)
