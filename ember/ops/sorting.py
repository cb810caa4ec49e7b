"""Order statistics: sort, argsort, topk, kthvalue, median, mode, cummax/cummin, unique.

Each value-selecting op returns (values, indices) as a torch.return_types-like tuple; backward
scatters the gradient back to the selected positions (its own adjoint is a gather, so second
derivatives work). NaN sorts as the largest value, as in PyTorch.
"""
from __future__ import annotations

import builtins
import math
from collections import namedtuple

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._op import Op
from ._output import _out, with_out
from ._stl_order import _nth_element, _partial_sort, _quick_select, _std_sort
from ._util import wrap_dim

__all__ = ["argsort", "bucketize", "cummax", "cummin", "kthvalue", "median", "mode", "msort",
           "nanmedian", "searchsorted", "sort", "topk", "unique", "unique_consecutive"]

_int = builtins.int


# ---- torch.return_types ------------------------------------------------------------------------


def return_type(name: str, fields: tuple):
    """A tuple subclass with named fields that prints like torch.return_types.<name>."""
    base = namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__})
    cls.__module__ = "ember.return_types"
    return cls


_sort_t = return_type("sort", ("values", "indices"))
_topk_t = return_type("topk", ("values", "indices"))
_kthvalue_t = return_type("kthvalue", ("values", "indices"))
_median_t = return_type("median", ("values", "indices"))
_nanmedian_t = return_type("nanmedian", ("values", "indices"))
_mode_t = return_type("mode", ("values", "indices"))
_cummax_t = return_type("cummax", ("values", "indices"))
_cummin_t = return_type("cummin", ("values", "indices"))


# ---- index plumbing shared with reduction.py: gather / scatter along an axis, flip ------------


class TakeAlong(Op):
    """y = take_along_axis(x, idx, axis); idx is a constant array. Adjoint of PutAlong."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx, axis):
        ctx.meta = (x.shape, idx, axis)
        return array_module(x).take_along_axis(x, idx, axis)

    @staticmethod
    def backward(ctx, grad):
        shape, idx, axis = ctx.meta
        return PutAlong.apply(grad, idx, axis, shape, True), None, None


class PutAlong(Op):
    """zeros(shape) with `g` scattered (summed if `accumulate`) to idx along axis."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, idx, axis, shape, accumulate):
        ctx.meta = (idx, axis)
        xp = array_module(g)
        out = xp.zeros(shape, g.dtype)
        if not accumulate:
            xp.put_along_axis(out, idx, g, axis)
            return out
        moved = xp.moveaxis(out, axis, -1)  # a view: add.at writes through it
        full = np.ix_(*[np.arange(n) for n in idx.shape[:axis] + idx.shape[axis + 1:]])
        full = [f[..., None] for f in full]
        xp.add.at(moved, (*full, xp.moveaxis(idx, axis, -1)), xp.moveaxis(g, axis, -1))
        return out

    @staticmethod
    def backward(ctx, grad):
        idx, axis = ctx.meta
        return TakeAlong.apply(grad, idx, axis), None, None, None, None


def select_backward(grad, idx, axis, shape, keepdim, accumulate=False):
    """Scatter the gradient of selected values (max/sort/topk...) back to the input's shape."""
    if not keepdim and len(shape):
        grad = grad.reshape(grad.shape[:axis] + (1,) + grad.shape[axis:])
        idx = array_module(idx).expand_dims(idx, axis)
    if not len(shape):
        return grad.reshape(())
    return PutAlong.apply(grad, idx, axis, shape, accumulate)


def _as_1d(x):
    """0-d arrays are treated as length-1 vectors by the dim ops (as PyTorch)."""
    return x.reshape(1) if x.ndim == 0 else x


def _check_nonempty(name, x, axis) -> None:
    if x.ndim and x.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


# ---- sort family ---------------------------------------------------------------------------------


def _argsort(x, axis, descending, stable=True):
    """argsort with torch's tie order: stable keeps equal elements in input order (NaN largest);
    otherwise rows with ties replay torch's std::sort."""
    xp = array_module(x)
    if x.dtype == np.bool_:
        x = x.view(np.uint8)
    if not descending:
        idx = xp.argsort(x, axis=axis, kind="stable")
    else:
        n = x.shape[axis]
        idx = (n - 1) - xp.flip(xp.argsort(xp.flip(x, axis), axis=axis, kind="stable"), axis)
    if stable:
        return idx

    def replay(vals, order):
        _std_sort(order, _less(vals, descending))
        return order
    return _replay_rows(x, idx, axis, replay, _tied_rows(x, axis))


def _top_indices(x, axis, largest, k, sorted_=True):
    """topk's picks as torch orders them: partial_sort when k * 64 <= n, else nth_element (and
    std::sort of the first k - 1 when sorted); replayed on rows where the order shows."""
    xp = array_module(x)
    xs = x.view(np.uint8) if x.dtype == np.bool_ else x
    n = x.shape[axis]
    kth = n - k if largest else k - 1
    part = xp.argpartition(xs, kth, axis=axis)
    sel = xp.take(part, xp.arange(n - k, n) if largest else xp.arange(k), axis=axis)
    sel = xp.sort(sel, axis=axis)  # equal values keep input order
    order = _argsort(xp.take_along_axis(xs, sel, axis), axis, largest)
    fast = xp.take_along_axis(sel, order, axis)
    partial = k * 64 <= n

    def replay(vals, perm):
        less = _less(vals, largest)
        perm = list(range(n))
        if partial:
            _partial_sort(perm, k, less)
        else:
            _nth_element(perm, k - 1, less)
            if sorted_:
                head = perm[:k - 1]
                _std_sort(head, less)
                perm[:k - 1] = head
        return perm[:k]
    shows = _tied_rows(xs, axis)
    if not (partial or sorted_):  # nth_element's unsorted head order always shows
        shows = xp.ones_like(shows)
    return _replay_rows(xs, fast, axis, replay, shows, k)


class Sort(Op):
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, axis, descending, k=None, stable=True, sorted_=True):
        xp = array_module(x)
        x1 = _as_1d(x)
        if k is not None and k > 0:
            idx = _top_indices(x1, axis, descending, k, sorted_)
        else:
            idx = _argsort(x1, axis, descending, stable)
            if k is not None:
                idx = xp.take(idx, xp.arange(k), axis=axis)
        vals = xp.take_along_axis(x1, idx, axis)
        if x.ndim == 0:
            vals, idx = vals.reshape(()), idx.reshape(())
        ctx.meta = (x.shape, axis)
        ctx.idx = idx
        return vals, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _):
        shape, axis = ctx.meta
        return select_backward(grad, ctx.idx, axis, shape, True), None, None, None, None, None


class Topk(Sort):
    pass


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Sorted values and their indices along `dim`; equal elements in torch's order (input order
    when stable, else where torch's CPU std::sort leaves them)."""
    axis = wrap_dim(dim, input.ndim)
    return _sort_t(*Sort.apply(input, axis, descending, None, bool(stable)))


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


@with_out
def msort(input):
    return sort(input, 0, stable=True).values


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The k largest (or smallest) values along `dim`, in sorted order, with their indices."""
    axis = wrap_dim(dim, input.ndim)
    if input._data.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    n = input.shape[axis] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    return _topk_t(*Topk.apply(input, axis, largest, k, True, bool(sorted)))


# ---- order statistics selecting one element per slice ---------------------------------------


class _Select(Op):
    """Values at per-slice positions chosen by `pick(x, axis) -> idx` (kthvalue, median, mode)."""

    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, axis, keepdim, pick):
        xp = array_module(x)
        x1 = _as_1d(x)
        idx = xp.expand_dims(pick(x1, axis), axis)
        vals = xp.take_along_axis(x1, idx, axis)
        if x.ndim == 0:
            vals, idx = vals.reshape(()), idx.reshape(())
        elif not keepdim:
            vals, idx = vals.squeeze(axis), idx.squeeze(axis)
        ctx.meta = (x.shape, axis, keepdim)
        ctx.idx = idx
        return vals, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _):
        shape, axis, keepdim = ctx.meta
        return select_backward(grad, ctx.idx, axis, shape, keepdim), None, None, None


class Kthvalue(_Select):
    pass


class Median(_Select):
    node_name = "MedianBackward1"


class Nanmedian(_Select):
    node_name = "NanmedianBackward1"


class Mode(_Select):
    pass


def _pick_kth(k):
    """kthvalue's pick: torch's quickselect (Numerical Recipes' select) where ties show."""
    def pick(x, axis):
        fast = array_module(x).argsort(x, axis=axis, kind="stable").take([k - 1], axis=axis)

        def replay(vals, perm):
            _quick_select(vals, perm, k - 1)
            return perm[k - 1:k]
        return _replay_rows(x, fast, axis, replay, _tied_rows(x, axis), 1).squeeze(axis)
    return pick


def _pick_median(x, axis):
    """Lower median's position; a slice holding NaN gives its first NaN (as PyTorch)."""
    xp = array_module(x)
    idx = xp.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    if x.dtype.kind == "f":
        nans = xp.isnan(x)
        first_nan = n - nans.sum(axis=axis)  # NaNs sort last, in input order
        pos = xp.where(first_nan < n, first_nan, (n - 1) // 2)
        return xp.take_along_axis(idx, xp.expand_dims(pos, axis), axis).squeeze(axis)
    return idx.take((n - 1) // 2, axis=axis)


def _pick_nanmedian(x, axis):
    """Lower median of the non-NaN values of each slice."""
    xp = array_module(x)
    idx = xp.argsort(x, axis=axis, kind="stable")
    if x.dtype.kind != "f":
        return idx.take((x.shape[axis] - 1) // 2, axis=axis)
    m = (~xp.isnan(x)).sum(axis=axis)
    pos = xp.where(m > 0, (m - 1) // 2, 0)
    return xp.take_along_axis(idx, xp.expand_dims(pos, axis), axis).squeeze(axis)


def _pick_mode(x, axis):
    """The most frequent value and an index of it, as torch: (value, index) pairs std::sorted
    by value, then the first longest run's last element."""
    fast = array_module(x).expand_dims(_pick_mode_fast(x, axis), axis)

    def replay(vals, perm):
        _std_sort(perm, lambda i, j: vals[i] < vals[j])
        best, run, top = 0, 0, 0
        for p, i in enumerate(perm):
            run = run + 1 if p and vals[i] == vals[perm[p - 1]] else 1
            if run > top:
                best, top = i, run
        return [best]
    shows = array_module(x).ones(fast.size, dtype=bool)
    return _replay_rows(x, fast, axis, replay, shows, 1).squeeze(axis)


def _pick_mode_fast(x, axis):
    """mode for rows torch's std::sort keeps in input order: the smallest most frequent value
    and its last occurrence."""
    xp = array_module(x)
    xm = xp.moveaxis(x, axis, -1)
    idx = xp.argsort(xm, axis=-1, kind="stable")
    s = xp.take_along_axis(xm, idx, -1)
    n = s.shape[-1]
    pos = xp.arange(n)
    new_run = xp.ones(s.shape, bool)
    new_run[..., 1:] = s[..., 1:] != s[..., :-1]
    start = xp.maximum.accumulate(xp.where(new_run, pos, 0), axis=-1)
    count = pos - start + 1  # length of the run so far; the run's last element has its total
    best = xp.argmax(count, axis=-1)[..., None]  # longest run, earliest (= smallest) on ties
    return xp.take_along_axis(idx, best, -1)[..., 0]


def _select(cls, name, input, dim, keepdim, pick, out_t):
    axis = wrap_dim(dim, input.ndim)
    _check_nonempty(name, input._data, axis)
    return out_t(*cls.apply(input, axis, keepdim, pick))


def _no_bool(input, name: str, dim=None) -> None:
    """PyTorch's median/kthvalue refuse bool, after the empty-input checks (empty all -> True)."""
    if dim is None and not input._data.size:
        return
    if dim is not None:
        _check_nonempty(name, input._data, wrap_dim(dim, input.ndim))
    if input._data.dtype.kind == "b":
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    _no_bool(input, "kthvalue")
    axis = wrap_dim(dim, input.ndim)
    _check_nonempty("kthvalue", input._data, axis)
    n = input.shape[axis] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    return _kthvalue_t(*Kthvalue.apply(input, axis, keepdim, _pick_kth(k)))


class MedianAll(Op):
    """median() of all elements: the lower median; gradient shared among equal elements."""

    node_name = "MedianBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, nan_ignore):
        xp = array_module(x)
        flat = x.reshape(-1)
        ctx.save_output()
        if flat.size == 0:  # NaN, or an integer type's minimum (PyTorch's NaN cast)
            kind = x.dtype.kind
            fill = np.nan if kind == "f" else True if kind == "b" else np.iinfo(x.dtype).min
            return xp.asarray(fill, x.dtype)
        pick = _pick_nanmedian if nan_ignore else _pick_median
        i = pick(flat, 0)
        return flat[i].reshape(())

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return evenly_distribute(grad, x._data, ctx.output._data), None


def evenly_distribute(grad, x, value):
    """grad shared evenly among the elements of x equal to value (NaN matches NaN)."""
    xp = array_module(x)
    mask = xp.isnan(x) if x.dtype.kind == "f" and xp.isnan(value) else x == value
    w = _op.as_array(mask / max(_int(mask.sum()), 1))
    return grad * _op._new_tensor(w.astype(x.dtype, copy=False))


class NanmedianAll(MedianAll):
    node_name = "NanmedianBackward0"


def median(input, dim=None, keepdim=False, *, out=None):
    """median(): lower median of all elements; median(dim): (values, indices) per slice."""
    _no_bool(input, "median", dim)
    if dim is None:
        return MedianAll.apply(input, False)
    return _select(Median, "median", input, dim, keepdim, _pick_median, _median_t)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """median ignoring NaN (NaN only where a slice is all NaN)."""
    _no_bool(input, "nanmedian", dim)
    if dim is None:
        return NanmedianAll.apply(input, True)
    return _select(Nanmedian, "nanmedian", input, dim, keepdim, _pick_nanmedian, _nanmedian_t)


def mode(input, dim=-1, keepdim=False, *, out=None):
    return _select(Mode, "mode", input, dim, keepdim, _pick_mode, _mode_t)


# ---- running max / min -----------------------------------------------------------------------


class Cummax(Op):
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, axis, largest):
        xp = array_module(x)
        x1 = _as_1d(x)
        ufunc = xp.maximum if largest else xp.minimum
        vals = ufunc.accumulate(x1, axis=axis)
        hit = x1 == vals  # x[i] is the running extreme: ties move the index forward (PyTorch)
        if x.dtype.kind == "f":
            hit |= xp.isnan(x1)
        shape = [1] * x1.ndim
        shape[axis] = x1.shape[axis]
        pos = xp.arange(x1.shape[axis]).reshape(shape)
        idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=axis)
        if x.ndim == 0:
            vals, idx = vals.reshape(()), idx.reshape(())
        ctx.meta = (x.shape, axis, idx)
        return vals, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _):
        shape, axis, idx = ctx.meta
        return select_backward(grad, idx, axis, shape, True, accumulate=True), None, None


class Cummin(Cummax):
    pass


def cummax(input, dim, *, out=None):
    return _cummax_t(*Cummax.apply(input, wrap_dim(dim, input.ndim), True))


def cummin(input, dim, *, out=None):
    return _cummin_t(*Cummin.apply(input, wrap_dim(dim, input.ndim), False))


# ---- unique, unique_consecutive ---------------------------------------------------------------
# NaN never equals NaN, so every NaN is its own value (torch's IsUnique<equal_nan=false>); along a
# dim, rows are equal when every element is (-0.0 == 0.0) and ordered by torch's comparator.


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Distinct values (always sorted, as torch's CPU kernel), optionally with the inverse map and
    counts (no gradient)."""
    if dim is not None:
        return _unique_dim(input, dim, return_inverse, return_counts, consecutive=False)
    x = input._data
    xp = array_module(x)
    flat = x.reshape(-1)
    if _order_shows(flat):  # NaNs and signed zeros come out in the order torch's sort leaves
        v = flat.tolist()
        perm = list(range(len(v)))
        _std_sort(perm, lambda i, j: v[i] < v[j] or (v[j] != v[j] and v[i] == v[i]))
        perm = xp.asarray(perm, dtype=np.int64)
    else:
        perm = xp.argsort(flat)
    vals = flat[perm]
    return _groups(vals, vals[1:] != vals[:-1], perm, x.shape, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive values (or slices along dim) to one (no gradient)."""
    if dim is not None:
        return _unique_dim(input, dim, return_inverse, return_counts, consecutive=True)
    x = input._data
    vals = x.reshape(-1)
    return _groups(vals, vals[1:] != vals[:-1], None, x.shape, return_inverse, return_counts)


def _unique_dim(input, dim, return_inverse, return_counts, consecutive):
    """torch's unique_dim: sort the slices along dim lexicographically, then merge equal runs."""
    x = input._data
    xp = array_module(x)
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    axis = wrap_dim(dim, x.ndim)
    zero_dims = x.shape.count(0)
    if zero_dims > 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot "
                           "be applied ")
    if zero_dims and x.shape[axis]:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique "
                           "cannot be applied")
    moved = xp.moveaxis(x, axis, 0)
    n = moved.shape[0]
    rows = moved.reshape(n, x.size // n if n else math.prod(moved.shape[1:]))
    if consecutive:
        perm = None
    elif _order_shows(rows):
        lines = rows.tolist()  # the comparator is no strict weak order: replay torch's sort
        order = list(range(n))
        _std_sort(order, lambda a, b: _row_less(lines[a], lines[b]))
        perm = xp.asarray(order, dtype=np.int64)
    else:
        perm = xp.lexsort(rows.T[::-1]) if rows.shape[1] else xp.arange(n)
    rows = rows if perm is None else rows[perm]
    differs = ~(rows[1:] == rows[:-1]).all(axis=1)  # NaN != NaN: a row with NaN is unique
    out = _groups(rows, differs, perm, (n,), return_inverse, return_counts)
    vals = out[0] if isinstance(out, tuple) else out
    shape = (vals._data.shape[0],) + moved.shape[1:]
    vals._data = xp.ascontiguousarray(xp.moveaxis(vals._data.reshape(shape), 0, axis))
    return out


def _groups(vals, differs, perm, inverse_shape, return_inverse, return_counts):
    """unique's outputs from `vals` in group order; differs[i]: vals[i + 1] starts a new group;
    perm maps positions in vals back to the input's (None: the identity)."""
    xp = array_module(vals)
    starts = xp.ones(vals.shape[0], bool)
    starts[1:] = differs
    new = _op._new_tensor
    out = [new(vals[starts])]
    if return_inverse:
        ids = xp.cumsum(starts, dtype=np.int64) - 1
        if perm is not None:
            inv = xp.empty_like(ids)
            inv[perm] = ids
            ids = inv
        out.append(new(ids.reshape(inverse_shape)))
    if return_counts:
        first = xp.flatnonzero(starts)
        out.append(new(xp.diff(first, append=vals.shape[0]).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _order_shows(x) -> bool:
    """Whether equal-comparing floats differ (NaN, -0.0): then which one of several equivalent
    elements torch's (unstable) sort puts first shows in the result."""
    if x.dtype.kind not in "fV":
        return False
    xp = array_module(x)
    return builtins.bool(xp.isnan(x).any() or (xp.signbit(x) & (x == 0)).any())


def _row_less(a, b) -> bool:
    """torch's unique_dim comparator: the first ordered pair decides; NaN pairs are skipped."""
    for u, v in zip(a, b):
        if u < v:
            return True
        if u > v:
            return False
    return False


# ---- replaying those algorithms on the rows where their tie order shows -------------------------

_REPLAY_BUDGET = 1 << 16  # elements per call; past it (slow in Python) ties keep input order


def _less(vals: list, descending: bool):
    """torch's sort comparator: NaN after every number (before, when descending)."""
    if descending:
        return lambda i, j: vals[i] > vals[j] or (vals[i] != vals[i] and vals[j] == vals[j])
    return lambda i, j: vals[i] < vals[j] or (vals[i] == vals[i] and vals[j] != vals[j])


def _tied_rows(x, axis):
    """Per slice along `axis` (flattened): whether two of its elements compare equal."""
    xp = array_module(x)
    if x.size == 0:
        return xp.zeros(0, dtype=bool)
    rows = xp.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])
    s = xp.sort(rows, axis=-1)
    tied = (s[:, 1:] == s[:, :-1]).any(axis=-1)
    if rows.dtype.kind == "f":
        tied |= xp.isnan(rows).sum(axis=-1) > 1
    return tied


def _replay_rows(x, fast, axis, replay, shows, k=None):
    """`fast` (indices along `axis`), with the rows flagged in `shows` recomputed by
    replay(values, list(range(n))) -> indices (within the budget)."""
    n = x.shape[axis]
    count = _int(shows.sum())
    if not count or count * n > _REPLAY_BUDGET:
        return fast
    xp = array_module(fast)
    rows = xp.moveaxis(x, axis, -1).reshape(-1, n)
    out = xp.moveaxis(fast, axis, -1).copy()
    flat = out.reshape(-1, out.shape[-1])
    for r in xp.flatnonzero(shows).tolist():
        flat[r] = xp.asarray(replay(rows[r].tolist(), list(range(n))))
    return xp.moveaxis(out, -1, axis)


# ---- searchsorted / bucketize: insertion points in sorted boundaries ---------------------------


def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter=None, out=None):
    """Where each value of `input` would go in the sorted last dimension of `sorted_sequence`
    (the leftmost place, or the rightmost with right=True / side='right'); int64 indices."""
    name = "torch.searchsorted()"
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{name}: side can only be 'left' or 'right' but got {side}")
        if side == "left" and right:
            raise RuntimeError(f"{name}: side and right can't be set to opposites, got side of "
                               "left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    xp = array_module(seq)
    values = input._data if isinstance(input, _op.Tensor) else None
    d = _dt.result_type(sorted_sequence, input).np_dtype
    if values is None:
        values = xp.asarray(input, dtype=d)
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, -1)
    if seq.ndim > 1 and (values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f"{name}: boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, "
                           f"but we got boundaries tensor {list(seq.shape)} and input value "
                           f"tensor {list(values.shape)}")
    seq, values = seq.astype(d, copy=False), values.astype(d, copy=False)
    where = "right" if right else "left"
    if seq.ndim <= 1:
        idx = xp.searchsorted(seq, values, where)
    else:  # one sorted row per leading index
        rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
        idx = xp.stack([xp.searchsorted(a, b, where) for a, b in zip(rows_s, rows_v)])
        idx = idx.reshape(values.shape)
    y = _op._new_tensor(xp.asarray(idx, dtype=_INT32 if out_int32 else _INT64))
    return y if out is None else _out(y, out)


_INT32, _INT64 = np.dtype(np.int32), np.dtype(np.int64)


def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False, out=None):
    """The bucket of each value among 1-d sorted `boundaries` (searchsorted with the roles
    swapped; right=True puts a value equal to a boundary after it)."""
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)
