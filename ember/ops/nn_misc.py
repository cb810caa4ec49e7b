"""Miscellaneous ops behind nn.functional (which checks the arguments): one_hot, pad (constant,
reflect, replicate, circular) and the clamped norm of cosine_similarity.

Constant padding is one op whose adjoint is itself with negated pads (a crop); the other modes
gather along index maps, with a scatter-add adjoint, so both stay differentiable to any order.
"""
from __future__ import annotations

import numpy as np

from ..backend import array_module
from . import _op
from ._op import Op

__all__ = ["clamped_norm", "constant_pad", "index_pad", "one_hot"]


# ---- pad ---------------------------------------------------------------------------------------


class _ConstantPad(Op):
    """Pad (or crop, for negative amounts) the trailing dims with a constant value."""

    node_name = "ConstantPadNdBackward0"
    differentiable_args = (0,)

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        nd = x.ndim
        k = len(pads) // 2
        out_shape = list(x.shape)
        src, dst = [slice(None)] * nd, [slice(None)] * nd
        for i in range(k):
            d = nd - 1 - i
            lo, hi = pads[2 * i], pads[2 * i + 1]
            n = x.shape[d]
            out_shape[d] = n + lo + hi
            src[d] = slice(max(-lo, 0), n - max(-hi, 0))
            dst[d] = slice(max(lo, 0), max(lo, 0) + n - max(-lo, 0) - max(-hi, 0))
        y = array_module(x).full(tuple(out_shape), value, dtype=x.dtype)
        y[tuple(dst)] = x[tuple(src)]
        return y

    @staticmethod
    def backward(ctx, grad):
        return _ConstantPad.apply(grad, tuple(-p for p in ctx.pads), 0)


class _IndexPad(Op):
    """y = x gathered along each padded dim by an index map (reflect, replicate, circular)."""

    differentiable_args = (0,)

    @staticmethod
    def forward(ctx, x, maps):
        ctx.maps = maps
        ctx.sizes = tuple(x.shape[d] for d, _ in maps)
        xp = array_module(x)
        for d, idx in maps:
            x = xp.take(x, idx, axis=d)
        return x

    @staticmethod
    def backward(ctx, grad):
        return _IndexPadAdjoint.apply(grad, ctx.maps, ctx.sizes)


class _IndexPadAdjoint(Op):
    """The adjoint of _IndexPad: scatter-add each gathered position back to its source."""

    differentiable_args = (0,)

    @staticmethod
    def forward(ctx, g, maps, sizes):
        ctx.maps = maps
        for (d, idx), n in zip(reversed(maps), reversed(sizes)):
            g = _scatter_runs(g, d, idx, n)
        return g

    @staticmethod
    def backward(ctx, grad):
        return _IndexPad.apply(grad, ctx.maps)


def _scatter_runs(g, d, idx, n):
    """Sum g along axis d into n slots by index map idx, one slice-add per run of idx.

    Pad maps are a few runs stepping by +1 (centre, circular), -1 (reflect) or 0 (replicate),
    so this is a handful of vectorised adds instead of a per-element scatter.
    """
    xp = array_module(g)
    shape = list(g.shape)
    shape[d] = n
    r = xp.zeros(tuple(shape), dtype=g.dtype)
    ix = [int(i) for i in idx.tolist()]
    m = len(ix)
    lead = (slice(None),) * d
    j = 0
    while j < m:
        k = j + 1
        step = ix[k] - ix[j] if k < m else 1
        if step not in (-1, 0, 1):
            step = 1
        while k < m and ix[k] - ix[k - 1] == step:
            k += 1
        seg = g[lead + (slice(j, k),)]
        if step == 0:
            r[lead + (ix[j],)] += seg.sum(axis=d)
        elif step == 1:
            r[lead + (slice(ix[j], ix[j] + k - j),)] += seg
        else:
            r[lead + (slice(ix[k - 1], ix[j] + 1),)] += xp.flip(seg, axis=d)
        j = k
    return r


_PAD_NODES = {}
for _mode, _name in (("reflect", "ReflectionPad{}DBackward0"),
                     ("replicate", "ReplicationPad{}DBackward0")):
    for _k in (1, 2, 3):
        _PAD_NODES[_mode, _k] = type(f"_{_mode}{_k}d", (_IndexPad,),
                                     {"node_name": _name.format(_k), "__module__": __name__})
for _k in (1, 2, 3):
    _PAD_NODES["circular", _k] = type("_circular", (_IndexPad,),
                                      {"node_name": "CopySlices", "__module__": __name__})

def _index_map(mode, n, lo, hi, xp):
    """Source index of each output position along one dim (negative pads crop first)."""
    if mode == "circular":  # PyTorch wraps around the cropped range
        start, stop = max(-lo, 0), n - max(-hi, 0)
        pos = xp.arange(stop - start + max(lo, 0) + max(hi, 0)) - max(lo, 0)
        return start + pos % max(stop - start, 1)
    pos = xp.arange(-lo, n + hi)
    if mode == "replicate":
        return pos.clip(0, n - 1)
    if n == 1:
        return pos * 0
    period = 2 * (n - 1)
    pos = pos % period
    return xp.where(pos >= n, period - pos, pos)


# ---- the computing entry points (nn.functional checks the arguments first) ----------------------


def one_hot(tensor, num_classes: int):
    """int64 one-hot encoding of an int64 tensor along a new last dim; num_classes=-1 infers
    max + 1 (the class values are checked here, on the data, as PyTorch's kernel does)."""
    x = tensor._data
    xp = array_module(x)
    if num_classes == -1:
        if x.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(x.max()) + 1
    if x.size:
        if int(x.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(x.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes < 0:
        raise RuntimeError("Class values must be smaller than num_classes.")
    y = xp.zeros(x.shape + (num_classes,), dtype=np.int64)
    if x.size:
        xp.put_along_axis(y, x[..., None], 1, axis=-1)
    return _op._new_tensor(y, False)


def constant_pad(input, pads: tuple, value):
    """input padded (or cropped, for negative pads) with `value` over its last len(pads)//2 dims."""
    return _ConstantPad.apply(input, pads, value)


def index_pad(input, pads: tuple, mode: str):
    """input padded over its last len(pads)//2 dims by reflect, replicate or circular indexing."""
    k = len(pads) // 2
    shape = tuple(input.shape)
    if mode == "circular" and 0 in shape:
        return _ConstantPad.apply(input, pads, 0)
    xp = array_module(input._data)
    maps = []
    for i in range(k):
        d = len(shape) - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        if lo or hi:
            maps.append((d, _index_map(mode, shape[d], lo, hi, xp)))
    return _PAD_NODES[mode, k].apply(input, tuple(maps))


def clamped_norm(x, dim: int, eps: float):
    """||x|| over dim (kept) with its value clamped to >= eps outside autograd, as PyTorch's
    cosine_similarity does."""
    n = x.norm(2, dim, keepdim=True)
    d = n._data
    low = d < eps
    if low.any():
        bump = _op._new_tensor(array_module(d).where(low, eps - d, 0).astype(d.dtype), False)
        n = n + bump
    return n
