"""Indexing: __getitem__/__setitem__, gather, scatter, index_select, masked ops, nonzero, take.

Basic indexing (ints, slices, None, ...) is one NumPy index and returns a view, as in PyTorch;
advanced indexing (integer/bool tensors) copies and its backward accumulates duplicates (add.at).
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._common import check_broadcast
from ._op import Op
from ._output import check_inplace, with_out
from ._util import wrap_dim
from .creation import _check_scalar_fits
from .inplace_view import (
    Alias,
    BasicIndex,
    Index,
    IndexGrad,
    Select,
    UnsqueezeIndex,
    guard_index_versions,
    rebase_write,
)

__all__ = [
    "argwhere",
    "gather",
    "index_add",
    "index_copy",
    "index_fill",
    "index_select",
    "masked_fill",
    "masked_scatter",
    "masked_select",
    "nonzero",
    "scatter",
    "scatter_add",
    "select",
    "take",
    "take_along_dim",
]

_int = builtins.int
_FULL = slice(None)


def _bad_index(obj):
    return IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                      f"Variables are valid indices (got {type(obj).__name__})")


def _as_index_array(obj, xp):
    """A list / array / Tensor index as a backend integer or bool array."""
    if isinstance(obj, _op.Tensor):
        a = obj._data
    else:
        a = np.asarray(obj)
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(np.int64)
        if xp is not np:
            a = xp.asarray(a)
    k = a.dtype.kind
    if k not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if a.dtype == np.uint8:
        a = a.astype(bool)
    return a


def _skips(k: slice, n: int, single: bool) -> bool:
    """PyTorch drops a slice that spans its whole dim (start 0, stop >= size, step 1) from a tuple
    key, so it records no node; a lone slice key `x[a:b]` is always recorded."""
    return (not single and (k.start is None or k.start == 0)
            and (k.stop is None or k.stop >= n) and (k.step is None or k.step == 1))


def parse_key(x, key):
    """Sort an index into (basic, adv, name): `basic` a NumPy key of ints/slices/None/Ellipsis,
    `adv` None or the key applied to the basic view (arrays where tensors were), and the Op class
    whose node name PyTorch gives the basic part."""
    single = key.__class__ is slice
    if key.__class__ is not tuple:
        key = (key,)
    shape = x._data.shape
    ndim = len(shape)
    items = []
    consumed = 0
    has_adv = False
    has_int = False
    has_ellipsis = False
    masks = []  # (mask shape, dims consumed before it, whether an Ellipsis came before it)
    xp = None
    for k in key:
        c = k.__class__
        if c is _int or (isinstance(k, np.integer) and c is not np.bool_):
            items.append(("i", _int(k)))
            consumed += 1
        elif c is slice:
            items.append(("s", k))
            consumed += 1
        elif k is None:
            items.append(("n", None))
        elif k is Ellipsis:
            if has_ellipsis:
                raise IndexError("an index can only have a single ellipsis ('...')")
            has_ellipsis = True
            items.append(("e", Ellipsis))
        elif c is bool or c is np.bool_:
            items.append(("a", np.asarray(bool(k))))
            has_adv = True
        elif isinstance(k, _op.Tensor) and k._data.ndim == 0 and k._data.dtype.kind in "iu":
            items.append(("i", _int(k)))
            consumed += 1
        elif isinstance(k, (_op.Tensor, list, tuple, np.ndarray)):
            if xp is None:
                xp = array_module(x._data)
            a = _as_index_array(k, xp)
            if a.dtype.kind == "b":
                if a.ndim:
                    masks.append((a.shape, consumed, has_ellipsis))
                consumed += a.ndim
            else:
                consumed += 1
            items.append(("a", a))
            has_adv = True
        elif c is str:
            raise TypeError("new(): invalid data type 'str'")
        else:
            raise _bad_index(k)
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    for mshape, start, after_ellipsis in masks:  # an Ellipsis before a mask spans ndim - consumed
        _check_mask(mshape, shape, start + (ndim - consumed if after_ellipsis else 0), items)
    # walk the dims: bounds-check ints, reject negative steps, find PyTorch's node name
    name = Alias
    dim = 0
    for i, (kind, k) in enumerate(items):
        if kind == "e":
            dim += ndim - consumed
        elif kind == "i":
            n = shape[dim]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {n}")
            has_int = True
            name = Select
            dim += 1
        elif kind == "s":
            if k.step is not None and k.step.__index__() <= 0:
                if k.step.__index__() == 0:
                    raise ValueError("slice step cannot be zero")
                raise ValueError("step must be greater than zero")
            if not _skips(k, shape[dim] if dim < ndim else 0, single):
                name = BasicIndex
            dim += 1
        elif kind == "n":
            name = UnsqueezeIndex
        else:
            dim += k.ndim if k.dtype.kind == "b" else 1
    if not has_adv:
        return tuple(k for _, k in items), None, name
    if not has_int:
        return None, tuple(_FULL if kind == "s" and k == _FULL else k for kind, k in items), name
    # ints with tensors: PyTorch selects first, then indexes the view (NumPy would not)
    basic = []
    adv = []
    for kind, k in items:
        if kind == "a":
            basic.extend([_FULL] * (k.ndim if k.dtype.kind == "b" else 1))
            adv.append(k)
        elif kind == "i":
            basic.append(k)
        elif kind == "e":
            basic.append(Ellipsis)
            adv.append(Ellipsis)
        else:
            basic.append(k)
            adv.append(_FULL)
    return tuple(basic), tuple(adv), name


def _check_mask(mshape, shape, start, items) -> None:
    for j, m in enumerate(mshape):
        d = start + j
        if d < len(shape) and m != shape[d]:
            raise IndexError(f"The shape of the mask {list(mshape)} at index {j} does not match "
                             f"the shape of the indexed tensor {list(shape)} at index {d}")


def _fix_error(exc: IndexError) -> IndexError:
    return IndexError(str(exc).replace("axis", "dimension"))


def _basic_name(key, shape, single: bool):
    """PyTorch's node class for a purely basic key of ints, slices and None (no Ellipsis), or
    None when the key needs parse_key."""
    name = Alias
    dim = 0
    for k in key:
        c = k.__class__
        if c is _int:
            name = Select
            dim += 1
        elif c is slice:
            step = k.step
            if step is not None and (step.__class__ is not _int or step <= 0):
                return None
            if dim >= len(shape) or not _skips(k, shape[dim], single):
                name = BasicIndex
            dim += 1
        elif k is None:
            name = UnsqueezeIndex
        else:
            return None
    return name


def getitem(x, key):
    """Tensor.__getitem__: a view for basic keys, a copy (IndexBackward0) for advanced ones."""
    c = key.__class__
    if c is _int:  # fast path: x[i]
        shape = x._data.shape
        if not shape:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if not -shape[0] <= key < shape[0]:
            raise IndexError(f"index {key} is out of bounds for dimension 0 with size {shape[0]}")
        return Select.apply(x, key)
    if c is slice or c is tuple:  # fast path: only ints, slices, None and Ellipsis
        name = _basic_name(key if c is tuple else (key,), x._data.shape, c is slice)
        if name is not None:
            try:
                return name.apply(x, key)
            except IndexError:
                pass  # parse_key below raises PyTorch's message
    basic, adv, name = parse_key(x, key)
    if basic is not None:
        x = name.apply(x, basic)
    if adv is None:
        return x
    try:
        y = Index.apply(x, adv)
    except IndexError as exc:
        raise _fix_error(exc) from None
    guard_index_versions(y._grad_fn, key)
    return y


def setitem(x, key, value) -> None:
    """Tensor.__setitem__: write in place; with grad, x (and its base) get CopySlices history."""
    check_inplace(x)
    basic, adv, _ = parse_key(x, key)
    T = _op.Tensor
    if isinstance(value, T):
        v = value._data
        if v.dtype != x._data.dtype:
            v = v.astype(x._data.dtype)
        v_grad = value._requires_grad
    elif isinstance(value, (_int, float, bool, np.number, np.bool_)):
        v = value
        v_grad = False
    else:
        raise TypeError(f"can't assign a {type(value).__name__} to a "
                        f"torch.{_op._tname(x._data)}")
    target = x._data if basic is None or adv is None else x._data[basic]
    try:
        if adv is None:
            target[basic] = v
        else:
            target[adv] = v
    except ValueError as exc:
        if "broadcast" in str(exc):
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot "
                               f"be broadcast to indexing result of shape "
                               f"{list(target[basic if adv is None else adv].shape)}") from None
        raise
    except IndexError as exc:
        raise _fix_error(exc) from None
    x._vbox[0] += 1
    if _op._grad_state.enabled and (x._requires_grad or v_grad):
        src = None
        if v_grad and x.is_floating_point():
            src = value if value.dtype is x.dtype else value.to(x.dtype)
            if src._data.ndim and src._data.shape[0] == 1:  # drop leading 1s the region lacks
                region = np.ndim(x._data[basic] if adv is None else target[adv])
                if src._data.ndim > region:
                    src = src.reshape(src._data.shape[src._data.ndim - region:])
        node = rebase_write(x, None if basic is None else (BasicIndex, (basic,), None, None),
                            src, adv)
        guard_index_versions(node, key)


def select(input, dim: int, index: int):
    n = input._data.ndim
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, n)
    size = input._data.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {dim}")
    return Select.apply(input, (_FULL,) * dim + (index,))


# ---- gather / scatter along a dim -------------------------------------------------------------


def _along(idx, axis):
    """Open-mesh index arrays that, with idx at `axis`, address x[i0, .., idx[i], .., in]."""
    xp = array_module(idx)
    key = []
    for d, n in enumerate(idx.shape):
        if d == axis:
            key.append(idx)
        else:
            s = [1] * idx.ndim
            s[d] = n
            key.append(xp.arange(n).reshape(s))
    return tuple(key)


def _check_index(index, name: str):
    if not isinstance(index, _op.Tensor) or index.dtype not in (_dt.int64, _dt.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return index._data


def _check_along(x, idx, dim: int, name: str, src=None) -> int:
    n = x._data.ndim
    axis = wrap_dim(dim, n)
    if idx.ndim != max(n, 1) and not (n == 0 and idx.ndim <= 1) and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if idx.size:
        size = x._data.shape[axis] if n else 1
        if int(idx.max()) >= size or int(idx.min()) < -size:
            raise RuntimeError(f"index {int(idx.max())} is out of bounds for dimension {axis} "
                               f"with size {size}")
        for d in range(idx.ndim):
            lim = (src._data.shape[d] if src is not None and isinstance(src, _op.Tensor)
                   else None)
            if d != axis and n and idx.shape[d] > x._data.shape[d] and name == "gather":
                raise RuntimeError(f"Size does not match at dimension {d} expected index "
                                   f"{list(idx.shape)} to be smaller than self "
                                   f"{list(x._data.shape)} apart from dimension {axis}")
            if lim is not None and idx.shape[d] > lim:
                raise RuntimeError(f"Expected index {list(idx.shape)} to be smaller than self "
                                   f"{list(x._data.shape)} apart from dimension {axis} and to be "
                                   f"smaller size than src {list(src._data.shape)}")
    return axis


class Gather(Op):
    @staticmethod
    def forward(ctx, x, idx, axis):
        ctx.meta = (x.shape, idx, axis)
        if x.ndim == 0:
            return x.reshape(idx.shape).copy()
        return x[_along(idx, axis)]

    @staticmethod
    def backward(ctx, grad):
        shape, idx, axis = ctx.meta
        return ScatterAdd.apply(_zeros(grad, shape), idx, grad, axis), None, None


def _zeros(like, shape):
    return _op._new_tensor(array_module(like._data).zeros(shape, like._data.dtype))


class Scatter(Op):
    """x with src (a tensor, or a number in ScatterBackward1) written at idx along axis."""

    @staticmethod
    def forward(ctx, x, idx, src, axis, reduce=None):
        ctx.meta = (idx, axis)
        y = x.copy()
        if not idx.size:
            return y
        key = _along(idx, axis) if x.ndim else ()
        if not isinstance(src, (int, float, bool)):
            src = src[tuple(slice(0, n) for n in idx.shape)] if src.ndim else src
        if reduce is None:
            y[key] = src
        elif reduce == "add":
            array_module(y).add.at(y, key, src)
        else:
            array_module(y).multiply.at(y, key, src)
        return y

    @staticmethod
    def backward(ctx, grad):
        idx, axis = ctx.meta
        gx = Scatter.apply(grad, idx, 0.0, axis) if ctx.needs_input_grad[0] else None
        gs = None
        if ctx.needs_input_grad[2]:
            gs = Gather.apply(grad, idx, axis)
        return gx, None, gs, None


class ScatterValue(Scatter):
    node_name = "ScatterBackward1"


class ScatterAdd(Op):
    @staticmethod
    def forward(ctx, x, idx, src, axis):
        ctx.meta = (idx, axis)
        y = x.copy()
        if idx.size:
            key = _along(idx, axis) if x.ndim else ()
            src = src[tuple(slice(0, n) for n in idx.shape)] if src.ndim else src
            array_module(y).add.at(y, key, src)
        return y

    @staticmethod
    def backward(ctx, grad):
        idx, axis = ctx.meta
        gs = Gather.apply(grad, idx, axis) if ctx.needs_input_grad[2] else None
        return grad, None, gs, None


def gather(input, dim: int, index, *, sparse_grad: bool = False, out=None):
    idx = _check_index(index, "gather")
    axis = _check_along(input, idx, dim, "gather")
    return Gather.apply(input, idx, axis)


def take_along_dim(input, indices, dim=None, *, out=None):
    if dim is None:
        return take(input, indices.reshape(-1))
    idx = _check_index(indices, "take_along_dim")
    n = input._data.ndim
    axis = wrap_dim(dim, n)
    xp = array_module(idx)
    full = list(check_broadcast(input._data.shape[:axis] + input._data.shape[axis + 1:],
                                idx.shape[:axis] + idx.shape[axis + 1:]))
    xs = tuple(full[:axis]) + (input._data.shape[axis],) + tuple(full[axis:])
    js = tuple(full[:axis]) + (idx.shape[axis],) + tuple(full[axis:])
    x = input.expand(xs) if tuple(input._data.shape) != xs else input
    return gather(x, axis, _op._new_tensor(xp.broadcast_to(idx, js)))


def _scatter_src(input, src):
    if isinstance(src, _op.Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return src
    return src


def scatter(input, dim: int, index, src=None, *, value=None, reduce=None, out=None):
    if src is None:
        src = value
    idx = _check_index(index, "scatter")
    axis = _check_along(input, idx, dim, "scatter", src)
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if isinstance(src, _op.Tensor):
        return Scatter.apply(input, idx, _scatter_src(input, src), axis, reduce=reduce)
    return ScatterValue.apply(input, idx, src, axis, reduce=reduce)


def scatter_add(input, dim: int, index, src, *, out=None):
    idx = _check_index(index, "scatter_add")
    axis = _check_along(input, idx, dim, "scatter_add", src)
    return ScatterAdd.apply(input, idx, _scatter_src(input, src), axis)


# ---- index_select / index_add / index_copy / index_fill along a dim ----------------------------


def _check_1d_index(index, name: str):
    if not isinstance(index, _op.Tensor) or index.dtype not in (_dt.int64, _dt.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    return index._data.reshape(-1)


def _dim_key(axis, idx):
    return (_FULL,) * axis + (idx,)


def index_select(input, dim: int, index, *, out=None):
    idx = _check_1d_index(index, "index_select")
    n = input._data.ndim
    axis = wrap_dim(dim, n)
    size = input._data.shape[axis] if n else 1
    if idx.size and (int(idx.max()) >= size or int(idx.min()) < 0):
        if n == 2 and axis == 1:  # PyTorch's CPU kernel for this case raises differently
            bad = int(idx.max()) if int(idx.max()) >= size else int(idx.min())
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} "
                               f"axis_dim={size}")
        raise IndexError("index out of range in self")
    if n == 0:
        return input.reshape(-1)[idx].reshape(())
    return IndexSelect.apply(input, _dim_key(axis, idx))


class IndexSelect(Index):
    pass


class IndexAdd(Op):
    @staticmethod
    def forward(ctx, x, key, src, alpha=1):
        ctx.meta = (key, alpha)
        y = x.copy()
        array_module(y).add.at(y, key, src * alpha if alpha != 1 else src)
        return y

    @staticmethod
    def backward(ctx, grad):
        key, alpha = ctx.meta
        gs = None
        if ctx.needs_input_grad[2]:
            gs = Index.apply(grad, key)
            if alpha != 1:
                gs = gs * alpha
        return grad, None, gs, None


class IndexPut(Op):
    """x with src written at key (no accumulation); src may be a number (a fill)."""

    @staticmethod
    def forward(ctx, x, key, src):
        ctx.key = key
        y = x.copy()
        y[key] = src
        return y

    @staticmethod
    def backward(ctx, grad):
        key = ctx.key
        gx = IndexPut.apply(grad, key, 0.0) if ctx.needs_input_grad[0] else None
        gs = Index.apply(grad, key) if ctx.needs_input_grad[2] else None
        return gx, None, gs


class IndexCopy(IndexPut):
    pass


class IndexFill(IndexPut):
    pass


def _index_along(input, dim, index, name, source=None):
    idx = _check_1d_index(index, name)
    n = input._data.ndim
    axis = wrap_dim(dim, n)
    size = input._data.shape[axis] if n else 1
    if idx.size and (int(idx.max()) >= size or int(idx.min()) < -size):
        raise IndexError("index out of range in self")
    if source is not None and isinstance(source, _op.Tensor) and source.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): self ({input.dtype}) and source ({source.dtype}) must "
                           "have the same scalar type")
    return (_dim_key(axis, idx) if n else (idx,)), axis


def index_add(input, dim: int, index, source, *, alpha=1, out=None):
    key, _ = _index_along(input, dim, index, "index_add", source)
    if input._data.ndim == 0:
        return IndexAdd.apply(input.reshape(1), key, source.reshape(-1), alpha).reshape(())
    return IndexAdd.apply(input, key, source, alpha)


def index_copy(input, dim: int, index, source, *, out=None):
    key, _ = _index_along(input, dim, index, "index_copy", source)
    if input._data.ndim == 0:  # a 0-d tensor acts as one element along dim 0
        return IndexCopy.apply(input.reshape(1), key, source.reshape(-1)).reshape(())
    return IndexCopy.apply(input, key, source)


def index_fill(input, dim: int, index, value):
    key, _ = _index_along(input, dim, index, "index_fill")
    if isinstance(value, _op.Tensor):
        if value._data.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        value = value.item()
    if input._data.ndim == 0:  # a 0-d tensor acts as one element along dim 0
        return IndexFill.apply(input.reshape(1), key, value).reshape(())
    return IndexFill.apply(input, key, value)


# ---- masks -----------------------------------------------------------------------------------


def _check_mask_dtype(mask, name: str):
    if not isinstance(mask, _op.Tensor) or mask.dtype is not _dt.bool:
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{getattr(mask, 'dtype', type(mask).__name__)}")
    return mask._data


class MaskedFill(Op):
    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask = mask
        xp = array_module(x)
        return xp.where(mask, xp.asarray(value).astype(x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        m = _op._new_tensor(ctx.mask)
        gx = MaskedFill.apply(grad, ctx.mask, 0.0) if ctx.needs_input_grad[0] else None
        gv = None
        if ctx.needs_input_grad[2]:
            gv = (grad * m.to(grad.dtype)).sum()
        return gx, None, gv


def masked_fill(input, mask, value):
    m = _check_mask_dtype(mask, "masked_fill_")
    if isinstance(value, _op.Tensor):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        if not value._requires_grad:
            value = value.item()
        elif value.dtype is not input.dtype:
            value = value.to(input.dtype)
    if not isinstance(value, _op.Tensor):
        _check_scalar_fits(value, input._data.dtype)
    try:
        shape = np.broadcast_shapes(input._data.shape, m.shape)
    except ValueError:
        check_broadcast(input._data.shape, m.shape)
        raise
    x = input
    if tuple(shape) != input._data.shape:
        x = input.expand(shape)
    return MaskedFill.apply(x, m, value)


@with_out
def masked_select(input, mask):
    m = _check_mask_dtype(mask, "masked_select:")
    shape = np.broadcast_shapes(input._data.shape, m.shape)
    x = input.expand(shape) if tuple(shape) != input._data.shape else input
    xp = array_module(m)
    return MaskedSelect.apply(x, (xp.broadcast_to(m, shape),))


class MaskedSelect(Index):
    pass


def masked_scatter(input, mask, source):
    m = _check_mask_dtype(mask, "masked_scatter_")
    shape = np.broadcast_shapes(input._data.shape, m.shape)
    x = input.expand(shape) if tuple(shape) != input._data.shape else input
    xp = array_module(m)
    m = xp.broadcast_to(m, shape)
    k = int(m.sum())
    if k > source._data.size:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as "
                           "ones in mask")
    src = source.reshape(-1)[:k] if k < source._data.size else source.reshape(-1)
    return MaskedScatter.apply(x, (m,), src)


class MaskedScatter(IndexPut):
    pass


# ---- positions -------------------------------------------------------------------------------


def nonzero(input, *, out=None, as_tuple: bool = False):
    x = input._data
    xp = array_module(x)
    if as_tuple:
        if x.ndim == 0:
            return (_op._new_tensor(xp.zeros(int(bool(x)), np.int64)),)
        return tuple(_op._new_tensor(i.astype(np.int64)) for i in xp.nonzero(x))
    return _op._new_tensor(xp.argwhere(x).astype(np.int64))


def argwhere(input):
    return nonzero(input)


class Take(Op):
    @staticmethod
    def forward(ctx, x, idx):
        ctx.meta = (x.shape, idx)
        return x.reshape(-1)[idx]

    @staticmethod
    def backward(ctx, grad):
        shape, idx = ctx.meta
        n = 1
        for s in shape:
            n *= s
        return IndexGrad.apply(grad, (idx,), (n,)).reshape(shape), None


def take(input, index):
    if not isinstance(index, _op.Tensor) or index.dtype is not _dt.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{getattr(index, 'dtype', type(index).__name__)}")
    n = input._data.size
    idx = index._data
    if idx.size and (int(idx.max()) >= n or int(idx.min()) < -n):
        raise IndexError(f"out of range: tried to access index {int(idx.max())} on a tensor of "
                         f"{n} elements.")
    return Take.apply(input, idx % n if n and idx.size and int(idx.min()) < 0 else idx)
