"""Pooling ops (max/avg/adaptive, unpool): forward on arrays, backward in ember ops, on the window
arguments nn.functional has checked (it also composes lp pools from avg pools).

Max pools search their windows with _pool_kernels (contiguous phase arrays, the argmax kept as a
local window offset) and scatter through those offsets in a plain backward; a recorded backward
scatters through per-plane flat indices (whose own backward is the matching gather). Avg pools
use strided window views and pair a window-sum op with its col2im adjoint, so every pool is
differentiable to any order.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from . import _pool_kernels as _pk
from ._op import Op, _grad_state

__all__ = ["adaptive_avg_pool", "adaptive_max_pool", "avg_pool", "max_pool", "max_unpool"]


_BLAS = (np.dtype(np.float32), np.dtype(np.float64))


def _prod(v) -> int:
    return math.prod(v)


def _span(o, k, s, d) -> int:
    return (o - 1) * s + d * (k - 1) + 1


def _padded(x, nd, p, lengths, fill):
    """x placed at offset p in a buffer of `lengths` filled with `fill` (x itself when it fits)."""
    spatial = x.shape[-nd:]
    if not any(p) and all(L <= n for L, n in zip(lengths, spatial)):
        if all(L == n for L, n in zip(lengths, spatial)):
            return x
        return x[(Ellipsis,) + tuple(slice(0, L) for L in lengths)]
    xp = array_module(x)
    buf = xp.full(x.shape[:-nd] + tuple(lengths), fill, dtype=x.dtype)
    dst, src = [], []
    for n, pi, L in zip(spatial, p, lengths):
        m = max(min(n, L - pi), 0)
        dst.append(slice(pi, pi + m))
        src.append(slice(0, m))
    buf[(Ellipsis,) + tuple(dst)] = x[(Ellipsis,) + tuple(src)]
    return buf


def _windows(a, nd, k, s, d, out):
    """Strided view lead + out + k of the windows of `a` (no copy)."""
    xp = array_module(a)
    st = a.strides
    lead = a.ndim - nd
    shape = a.shape[:lead] + tuple(out) + tuple(k)
    strides = st[:lead] + tuple(st[lead + i] * s[i] for i in range(nd)) + tuple(
        st[lead + i] * d[i] for i in range(nd))
    if xp is np:
        return np.lib.stride_tricks.as_strided(a, shape=shape, strides=strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(a, shape=shape, strides=strides)


def _grid(out, i, nd, xp):
    """arange(out[i]) shaped to broadcast along output dim i of an nd-dim output block."""
    return xp.arange(out[i]).reshape([out[i] if j == i else 1 for j in range(nd)])


# ---- index gather / scatter (max pools, unpool) --------------------------------------------------


def _scatter_add(g, idx, spatial, unique=False):
    """Sum g into zeros(lead + spatial) at per-plane flat indices idx (same shape as g); with
    `unique` (no index repeats within a plane, as in non-overlapping pools) a plain store."""
    xp = array_module(g)
    nd = len(spatial)
    lead = g.shape[:g.ndim - nd]
    P = _prod(spatial)
    B = _prod(lead)
    if g.size == 0 or P == 0:
        return xp.zeros(lead + tuple(spatial), dtype=g.dtype)
    flat = idx.reshape(B, -1) + (xp.arange(B, dtype=idx.dtype) * P)[:, None]
    if unique:
        r = xp.zeros(B * P, dtype=g.dtype)
        r[flat.ravel()] = g.reshape(-1)
        return r.reshape(lead + tuple(spatial))
    r = xp.bincount(flat.ravel(), weights=g.reshape(-1), minlength=B * P)
    return r.astype(g.dtype, copy=False).reshape(lead + tuple(spatial))


def _gather(x, idx, nd):
    """x (lead + spatial) read at per-plane flat indices idx (lead + out)."""
    xp = array_module(x)
    lead = x.shape[:x.ndim - nd]
    xf = x.reshape(lead + (-1,))
    return xp.take_along_axis(xf, idx.reshape(lead + (-1,)), axis=-1).reshape(idx.shape)


class _Tie(Op):
    """Identity on a gradient that also depends (with zero derivative) on the op's input, as
    PyTorch's pool backwards do: their double backward gives zeros for the input."""

    node_name = "PoolBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x):
        ctx.shape = x.shape
        return g

    @staticmethod
    def backward(ctx, gg):
        gx = None
        if ctx.needs_input_grad[1]:
            xp = array_module(gg._data)
            gx = _op._new_tensor(xp.zeros(ctx.shape, dtype=gg._data.dtype), False)
        return gg, gx


def _tied(gx, ctx):
    """gx joined to the saved input when a graph of the backward is being recorded."""
    if _grad_state.enabled:
        return _Tie.apply(gx, ctx.inputs[0])
    return gx


class _ScatterPlane(Op):
    """Adjoint of a per-plane gather: scatter-add by saved indices."""

    node_name = "MaxPoolBackwardBackward0"

    @staticmethod
    def forward(ctx, g, idx, spatial, unique=False):
        ctx.idx = idx
        ctx.nd = len(spatial)
        return _scatter_add(g, idx, spatial, unique)

    @staticmethod
    def backward(ctx, gg):
        return _GatherPlane.apply(gg, ctx.idx, ctx.nd), None, None


class _GatherPlane(Op):
    """Per-plane gather by flat indices; its backward is the scatter-add."""

    @staticmethod
    def forward(ctx, x, idx, nd):
        ctx.idx = idx
        ctx.spatial = x.shape[x.ndim - nd:]
        return _gather(x, idx, nd)

    @staticmethod
    def backward(ctx, g):
        return _ScatterPlane.apply(g, ctx.idx, ctx.spatial), None, None


class _MaxByIndex(Op):
    """Wraps precomputed (values, indices) of a max pool; backward scatters through indices."""

    non_differentiable = (1,)
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, result, nd, unique=False):
        ctx.idx = result[1]
        ctx.unique = unique
        ctx.spatial = x.shape[x.ndim - nd:]
        return result

    @staticmethod
    def backward(ctx, g, _gi=None):
        if g is None:
            return None, None, None, None
        gx = _ScatterPlane.apply(g, ctx.idx, ctx.spatial, ctx.unique)
        return _tied(gx, ctx), None, None, None


def _named(base, name):
    return type(name.replace("Backward0", ""), (base,), {"node_name": name})


_AMAX_NODES = {1: _named(_MaxByIndex, "AdaptiveMaxPool2DBackward0"),
               2: _named(_MaxByIndex, "AdaptiveMaxPool2DBackward0"),
               3: _named(_MaxByIndex, "AdaptiveMaxPool3DBackward0")}


def _lowest(dtype):
    if dtype.kind == "f" or dtype.name == "bfloat16":  # ml_dtypes' bfloat16 has kind 'V'
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


class _MaxPool(Op):
    """Max pool; the argmax is kept as local window offsets and the gradient scattered through
    them (_pool_kernels' phase split), flat indices made only when asked for."""

    non_differentiable = (1,)
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, plan, return_indices):
        xp = array_module(x)
        nd = plan.nd
        is_float = x.dtype.kind == "f" or x.dtype.name == "bfloat16"
        if plan.span <= 0:  # no output (or no input): nothing to search
            shape = x.shape[:x.ndim - nd] + tuple(plan.out)
            vals, best = xp.zeros(shape, x.dtype), xp.zeros(shape, np.uint8)
            ctx.best_flat = None
        else:
            vals, best = _pk.window_max(x, plan, _lowest(x.dtype), True, is_float)
            ctx.best_flat = best
            vals, best = plan.valid(vals), plan.valid(best)
        if any(plan.p) and is_float:  # all -inf windows: PyTorch keeps the first valid position
            low = vals == -np.inf
            if bool(low.any()):
                first = _pk.first_valid_offset(plan, xp)
                xp.copyto(best, xp.broadcast_to(first, best.shape), where=low, casting="unsafe")
                ctx.best_flat = None
        ctx.best = best
        ctx.plan = plan
        if return_indices:
            return vals, _pk.flat_indices(best, plan)
        return (vals,)

    @staticmethod
    def backward(ctx, g, _gi=None):
        plan = ctx.plan
        if g is None:
            return None, None, None
        if not _grad_state.enabled:
            best = ctx.best_flat
            if best is None and plan.span > 0:  # corrected offsets: back onto the phase grid
                best = array_module(ctx.best).zeros(plan.size, ctx.best.dtype)
                plan.grid(best)[(Ellipsis,) + tuple(slice(0, o) for o in plan.out)] = ctx.best
            if best is None:
                gx = array_module(g._data).zeros(plan.lead + plan.spatial, g._data.dtype)
            else:
                gx = _pk.scatter_windows(g._data, best, plan)
            return _op._new_tensor(gx, False), None, None
        idx = _pk.flat_indices(ctx.best, plan)
        unique = all(si >= di * (ki - 1) + 1 for ki, si, di in zip(plan.k, plan.s, plan.d))
        gx = _ScatterPlane.apply(g, idx, plan.spatial, unique)
        return _tied(gx, ctx), None, None


_MAX_POOL_NODES = {1: _named(_MaxPool, "MaxPool2DWithIndicesBackward0"),
                   2: _named(_MaxPool, "MaxPool2DWithIndicesBackward0"),
                   3: _named(_MaxPool, "MaxPool3DWithIndicesBackward0")}


# ---- average pools: window sum and its col2im adjoint ------------------------------------------


def _col2im(get, lead, lengths, nd, k, s, d, out, dtype, xp):
    """Sum get(kernel offset) (lead + out each) into a zero buffer lead + lengths."""
    buf = xp.zeros(tuple(lead) + tuple(lengths), dtype=dtype)
    for kpos in np.ndindex(*k):
        sl = tuple(slice(kp * di, kp * di + (o - 1) * si + 1, si)
                   for kp, di, si, o in zip(kpos, d, s, out))
        buf[(Ellipsis,) + sl] += get(kpos)
    return buf


class _AvgGeom:
    """Everything both directions of an average pool need."""

    __slots__ = ("div", "k", "lengths", "nd", "out", "override", "p", "s", "spatial")

    def __init__(self, nd, k, s, p, out, spatial, ceil, cip, override, xp, dtype):
        self.nd, self.k, self.s, self.p, self.out, self.spatial = nd, k, s, p, out, spatial
        self.lengths = [max(_span(o, ki, si, 1), n + pi)
                        for o, ki, si, pi, n in zip(out, k, s, p, spatial)]
        self.override = override
        div = None
        if override is None:
            for i in range(nd):
                st = np.arange(out[i]) * s[i] - p[i]
                en = np.minimum(st + k[i], spatial[i] + p[i])
                size = en - st
                if not cip:
                    size = np.minimum(en, spatial[i]) - np.maximum(st, 0)
                size = size.reshape([out[i] if j == i else 1 for j in range(nd)])
                div = size if div is None else div * size
            div = xp.asarray(div)
        self.div = div


def _divide(sums, g: _AvgGeom, inplace=False):
    div = g.override if g.override is not None else g.div
    if sums.dtype.kind not in "fV":  # integers (V: ml_dtypes' bfloat16 is a float)
        xp = array_module(sums)
        return (xp.sign(sums) * (xp.abs(sums) // div)).astype(sums.dtype, copy=False)
    if g.override is None:
        div = div.astype(sums.dtype)
    return array_module(sums).divide(sums, div, out=sums) if inplace else sums / div


class _AvgPool(Op):
    """Window mean (sum over the window divided by PyTorch's divisor)."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, g):
        ctx.g = g
        nd = g.nd
        a = _padded(x, nd, g.p, g.lengths, 0)
        win = _windows(a, nd, g.k, g.s, (1,) * nd, g.out)
        sums = None
        for kp in np.ndindex(*g.k):
            w = win[(Ellipsis,) + kp]
            if sums is None:
                sums = w.copy()
            else:
                sums += w
        return _divide(sums, g, inplace=True)

    @staticmethod
    def backward(ctx, grad):
        gx = _AvgPoolAdjoint.apply(grad, ctx.g)
        return (_tied(gx, ctx) if ctx._op.save_inputs else gx), None


class _AvgPoolAdjoint(Op):
    """Adjoint of _AvgPool: spread grad / divisor over each window (col2im), crop the padding."""

    node_name = "AvgPoolBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, g):
        ctx.g = g
        nd = g.nd
        xp = array_module(grad)
        gd = _divide(grad, g)
        lead = grad.shape[:grad.ndim - nd]
        if g.k == g.s and not any(g.p) and all(
                o * ki == n for o, ki, n in zip(g.out, g.k, g.spatial)):
            tiles = xp.broadcast_to(  # non-overlapping windows tile the input exactly
                gd.reshape(lead + sum(((o, 1) for o in g.out), ())),
                lead + sum(((o, ki) for o, ki in zip(g.out, g.k)), ()))
            return tiles.reshape(lead + tuple(g.spatial))
        buf = _col2im(lambda _: gd, grad.shape[:-nd], g.lengths, nd, g.k, g.s, (1,) * nd, g.out,
                      grad.dtype, xp)
        crop = tuple(slice(pi, pi + n) for pi, n in zip(g.p, g.spatial))
        return xp.ascontiguousarray(buf[(Ellipsis,) + crop])

    @staticmethod
    def backward(ctx, gg):
        return _AvgPool.apply(gg, ctx.g), None


_AAVG_POOL_NODES = {nd: _named(_AvgPool, f"AdaptiveAvgPool{max(nd, 2)}DBackward0")
                    for nd in (1, 2, 3)}
_AVG_NODES = {1: _named(_AvgPool, "AvgPool2DBackward0"), 2: _named(_AvgPool, "AvgPool2DBackward0"),
              3: _named(_AvgPool, "AvgPool3DBackward0")}


# ---- adaptive pools ----------------------------------------------------------------------------


def _bounds(n, o):
    i = np.arange(o)
    return (i * n) // o, -((-(i + 1) * n) // o)


def _avg_matrix(n, o, dtype):
    st, en = _bounds(n, o)
    m = np.zeros((o, n), dtype=np.float64)
    cols = np.arange(n)
    inside = (cols[None, :] >= st[:, None]) & (cols[None, :] < en[:, None])
    m[inside] = 1.0
    m /= np.maximum(en - st, 1)[:, None]
    return m.astype(dtype)


class _SepLinear(Op):
    """A separable linear map of the trailing spatial dims: per dim a (out, in) matrix, or taps
    (index, weight) pairs that compute the same product sparsely; adjoint = transposed matrices."""

    @staticmethod
    def forward(ctx, x, plan):
        ctx.plan = plan
        xp = array_module(x)
        nd = len(plan)
        y = x
        for i, step in enumerate(plan):
            if step is None:
                continue
            m, taps = step
            axis = y.ndim - nd + i
            if taps is not None:
                shape = (-1,) + (1,) * (nd - 1 - i)
                acc = None
                for idx, w in taps:
                    t = xp.take(y, idx, axis=axis)  # a fresh array: scale and add in place
                    if w is not None:
                        t *= w.reshape(shape)
                    if acc is None:
                        acc = t
                    else:
                        acc += t
                y = acc
            else:
                y = xp.moveaxis(xp.matmul(xp.moveaxis(y, axis, -1), m.T), -1, axis)
        if y.dtype != x.dtype:  # NumPy's bfloat16 matmul answers in float32
            y = y.astype(x.dtype)
        return xp.ascontiguousarray(y) if y is not x else y.copy()

    @staticmethod
    def backward(ctx, g):
        plan = [None if step is None else (step[0].T, None) for step in ctx.plan]
        gx = _SEP_ADJ.apply(g, plan)
        return (_tied(gx, ctx) if ctx._op.save_inputs else gx), None


_SEP_ADJ = _named(_SepLinear, "UpsampleBackwardBackward0")
_AAVG_NODES = {nd: type(f"AdaptiveAvgPool{nd}d", (_SepLinear,), {
    "node_name": f"AdaptiveAvgPool{max(nd, 2)}DBackward0", "save_inputs": (0,)})
    for nd in (1, 2, 3)}


class _GlobalAvg(Op):
    """Mean over the trailing nd dims, kept as size-1 dims (adaptive pools to 1)."""

    @staticmethod
    def forward(ctx, x, nd):
        ctx.shape = x.shape
        n = ctx.n = _prod(x.shape[x.ndim - nd:])
        keep = x.shape[:x.ndim - nd] + (1,) * nd
        if x.__class__ is np.ndarray and x.dtype in _BLAS and x.size:
            # rows of n times ones by BLAS, then / n: NumPy's reduction of short rows is ~10x
            # slower (16 values per row in resnet18's 16x512x4x4 head)
            y = x.reshape(-1, n) @ np.ones(n, dtype=x.dtype)
            y /= n
            return y.reshape(keep)
        return x.mean(axis=tuple(range(x.ndim - nd, x.ndim)), keepdims=True, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        return (g * (1.0 / ctx.n)).expand(*ctx.shape), None


_GLOBAL_MEAN = _named(_GlobalAvg, "MeanBackward1")


def adaptive_max_pool(input, nd: int, out: tuple):
    """(values, indices) of the max over PyTorch's adaptive windows (floor/ceil bounds)."""
    x = input._data
    spatial = x.shape[-nd:]
    xp = array_module(x)
    lead = x.shape[:-nd]
    index = []
    ks = []
    g = x
    for i, (n, o) in enumerate(zip(spatial, out)):
        st, en = _bounds(n, o)
        km = int((en - st).max()) if o else 1
        ix = np.minimum(st[:, None] + np.arange(km)[None, :], np.maximum(en - 1, 0)[:, None])
        index.append(ix)
        ks.append(km)
        g = xp.take(g, xp.asarray(ix.ravel()), axis=len(lead) + i * 2)
        g = g.reshape(g.shape[:len(lead) + 2 * i] + (o, km) + g.shape[len(lead) + 2 * i + 1:])
    # g: lead + (o0, k0, o1, k1, ...) -> lead + out + k
    L = len(lead)
    perm = list(range(L)) + [L + 2 * i for i in range(nd)] + [L + 2 * i + 1 for i in range(nd)]
    win = g.transpose(perm).reshape(lead + out + (_prod(ks),))
    if win.shape[-1] == 0 or win.size == 0:
        vals = xp.zeros(lead + out, dtype=x.dtype)
        am = xp.zeros(lead + out, dtype=np.int64)
    else:
        am = win.argmax(axis=-1)
        vals = xp.take_along_axis(win, am[..., None], axis=-1)[..., 0]
    idx = None
    rest = _prod(ks)
    for i in range(nd):
        rest //= ks[i]
        kp = (am // rest) % ks[i]
        ix = xp.asarray(index[i])
        o_grid = _grid(out, i, nd, xp)
        pos = ix[o_grid, kp] if kp.size else kp
        idx = pos if idx is None else idx * spatial[i] + pos
    return _AMAX_NODES[nd].apply(input, (vals, idx.astype(np.int64, copy=False)), nd)


# ---- fractional max pool ---------------------------------------------------------------------

_FMAX_NODES = {2: _named(_MaxByIndex, "FractionalMaxPool2DBackward0"),
               3: _named(_MaxByIndex, "FractionalMaxPool3DBackward0")}


def _fractional_starts(samples, in_size: int, out_size: int, pool: int):
    """Window starts per plane, torch's pseudo-random sequence in the input's precision:
    int((i + u) a) - int(u a) with a = (in - pool) / (out - 1); the last window ends the input."""
    dtype = samples.dtype.type
    seq = np.empty(samples.shape + (out_size,), dtype=np.int64)
    if out_size > 1:
        alpha = dtype(in_size - pool) / dtype(out_size - 1)
        i = np.arange(out_size - 1, dtype=samples.dtype)
        seq[..., :-1] = ((i + samples[..., None]) * alpha).astype(np.int64) \
            - (samples * alpha).astype(np.int64)[..., None]
    if out_size > 0:
        seq[..., -1] = in_size - pool
    return seq


def fractional_max_pool(input, nd: int, kernel: tuple, out: tuple, samples):
    """(values, indices) of fractional max pooling of (N, C, *spatial) input; `samples` (N, C,
    nd) uniforms in torch's order: (W, H) for 2-d pooling but (T, H, W) for 3-d."""
    x = input._data
    xp = array_module(x)
    n, c = x.shape[:2]
    spatial = x.shape[2:]
    smp = np.asarray(samples, dtype=x.dtype)
    flat = None
    for i in range(nd):
        which = 1 - i if nd == 2 else i
        starts = _fractional_starts(smp[..., which], spatial[i], out[i], kernel[i])
        pos = starts[..., None] + np.arange(kernel[i])  # (N, C, out_i, k_i)
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + i], shape[2 + nd + i] = out[i], kernel[i]
        pos = pos.reshape(shape)
        flat = pos if flat is None else flat * spatial[i] + pos
    windows = flat.reshape(n, c, -1)
    k = _prod(kernel)
    vals = xp.take_along_axis(x.reshape(n, c, -1), xp.asarray(windows), axis=2)
    vals = vals.reshape((n, c) + tuple(out) + (k,))
    idx_all = xp.asarray(flat.reshape((n, c) + tuple(out) + (k,)))
    if k == 0 or vals.size == 0:
        return _FMAX_NODES[nd].apply(input, (xp.zeros((n, c) + tuple(out), x.dtype),
                                             xp.zeros((n, c) + tuple(out), np.int64)), nd)
    am = vals.argmax(axis=-1)[..., None]
    result = (xp.take_along_axis(vals, am, axis=-1)[..., 0],
              xp.take_along_axis(idx_all, am, axis=-1)[..., 0])
    return _FMAX_NODES[nd].apply(input, result, nd)


# ---- max unpool -----------------------------------------------------------------------------


class _Unpool(Op):
    """Place values at their per-plane flat indices in a zero output; backward gathers."""

    node_name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, idx, spatial):
        xp = array_module(x)
        nd = len(spatial)
        ctx.idx = idx
        ctx.nd = nd
        lead = x.shape[:x.ndim - nd]
        P, B = _prod(spatial), _prod(lead)
        y = xp.zeros(B * P, dtype=x.dtype)
        if x.size:
            flat = idx.reshape(B, -1) + (xp.arange(B, dtype=idx.dtype) * P)[:, None]
            y[flat.ravel()] = x.reshape(-1)
        return y.reshape(lead + tuple(spatial))

    @staticmethod
    def backward(ctx, g):
        return _GatherPlane.apply(g, ctx.idx, ctx.nd), None, None


# ---- the computing entry points (nn.functional checks the arguments first) ----------------------


def max_pool(input, nd: int, k: tuple, s: tuple, p: tuple, d: tuple, out: tuple,
             return_indices: bool):
    """(values,) or (values, indices flattened per plane) of a max pool with checked windows."""
    x = input._data
    spatial = x.shape[-nd:]
    lengths = [max(_span(o, ki, si, di), n + pi) if pi else _span(o, ki, si, di)
               for o, ki, si, pi, di, n in zip(out, k, s, p, d, spatial)]
    plan = _pk.PoolPlan(x.shape[:-nd], spatial, nd, k, s, p, d, out, lengths)
    if not return_indices and not (input._requires_grad and _grad_state.enabled) \
            and plan.span > 0:  # inference: no indices to find
        vals, _ = _pk.window_max(x, plan, _lowest(x.dtype), False, False)
        return (_op._new_tensor(plan.valid(vals), False),)
    return _MAX_POOL_NODES[nd].apply(input, plan, return_indices)


def avg_pool(input, nd: int, k: tuple, s: tuple, p: tuple, out: tuple, ceil_mode: bool,
             count_include_pad: bool, divisor_override):
    """Window means with PyTorch's divisor (padding counted or not, or an override)."""
    x = input._data
    g = _AvgGeom(nd, k, s, p, out, x.shape[-nd:], ceil_mode, count_include_pad,
                 divisor_override, array_module(x), x.dtype)
    return _AVG_NODES[nd].apply(input, g)


def adaptive_avg_pool(input, nd: int, out: tuple):
    """Means over PyTorch's adaptive windows: a global mean, an equal-window average pool, or a
    separable averaging matrix per dim."""
    x = input._data
    spatial = x.shape[-nd:]
    if all(o == 1 for o in out):  # global average: a mean, as PyTorch computes it
        return _GLOBAL_MEAN.apply(input, nd)
    xp = array_module(x)
    if all(o and n % o == 0 for n, o in zip(spatial, out)):  # equal windows: a plain avg pool
        k = tuple(n // o for n, o in zip(spatial, out))
        g = _AvgGeom(nd, k, k, (0,) * nd, out, spatial, False, True, None, xp, x.dtype)
        return _AAVG_POOL_NODES[nd].apply(input, g)
    plan = [None if n == o else (xp.asarray(_avg_matrix(n, o, x.dtype)), None)
            for n, o in zip(spatial, out)]
    return _AAVG_NODES[nd].apply(input, plan)


def max_unpool(input, idx, out: tuple):
    """Values placed at their per-plane flat indices (checked) in a zero output of size out."""
    return _Unpool.apply(input, idx, out)
