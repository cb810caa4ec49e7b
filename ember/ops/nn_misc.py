"""Miscellaneous functional ops: one_hot, pad (constant, reflect, replicate, circular), and the
distances cosine_similarity, pairwise_distance, pdist, cdist.

Constant padding is one op whose adjoint is itself with negated pads (a crop); the other modes
gather along index maps, with a scatter-add adjoint, so both stay differentiable to any order.
"""
from __future__ import annotations

import numpy as np

from .._dtype import result_type as _result_type
from . import _op
from ._op import Op
from .shape import broadcast_tensors as _broadcast_tensors

__all__ = ["cdist", "cosine_similarity", "one_hot", "pad", "pairwise_distance", "pdist"]

_CAP = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
        "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
        "bool": "Bool"}


def _xp(x):
    from ..backend import array_module

    return array_module(x)


# ---- one_hot -----------------------------------------------------------------------------------


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding along a new last dim; num_classes=-1 infers max + 1."""
    if tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    x = tensor._data
    xp = _xp(x)
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
        y = _xp(x).full(tuple(out_shape), value, dtype=x.dtype)
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
        xp = _xp(x)
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
    xp = _xp(g)
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

_KERNEL = {"reflect": "reflection_pad{}d", "replicate": "replication_pad{}d"}


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


def _check_pad_arg(pad):
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")
    for i, p in enumerate(pad):
        if not isinstance(p, (int, np.integer)) or isinstance(p, bool):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found "
                            f"element of type {type(p).__name__} at pos {i}")
    return tuple(int(p) for p in pad)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad)//2 dims: pad = (last_left, last_right, 2nd_last_left, ...)."""
    pads = _check_pad_arg(pad)
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not "
                        f"{type(mode).__name__}")
    if value is not None and not isinstance(value, (int, float, bool, np.number)):
        raise TypeError(f"pad(): argument 'value' (position 4) must be float, not "
                        f"{type(value).__name__}")
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = input.dim()
    k = len(pads) // 2
    if k > nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pads)} and input of dimension "
                           f"{nd}")
    if mode == "constant":
        shape = input.shape
        for i in range(k):
            n = shape[nd - 1 - i]
            if n + min(pads[2 * i], 0) + min(pads[2 * i + 1], 0) < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        return _ConstantPad.apply(input, pads, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if not 1 <= k <= 3 or nd not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pads)} is not supported for {nd}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    shape = tuple(input.shape)
    if mode != "circular":
        if input.dtype.name == "bool":
            raise NotImplementedError(f"\"{_KERNEL[mode].format(k)}\" not implemented for 'Bool'")
        if any(n == 0 for n in shape[nd - k - 1:]):
            raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
                               f"batch size and other non-zero dimensions for input, but got: "
                               f"{list(shape)}")
    xp = _xp(input._data)
    maps = []
    for i in range(k):
        d = nd - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        n = shape[d]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                               f"corresponding input dimension, but got: padding ({lo}, {hi}) at "
                               f"dimension {d} of input {list(shape)}")
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if lo or hi:
            maps.append((d, _index_map(mode, n, lo, hi, xp)))
    if mode == "circular" and 0 in shape:
        return _ConstantPad.apply(input, pads, 0)
    return _PAD_NODES[mode, k].apply(input, tuple(maps))


# ---- distances ---------------------------------------------------------------------------------


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1/||x1|| * x2/||x2||) over dim, each norm clamped below at eps (not in the gradient)."""
    common = _result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_CAP.get(common.name, common.name)}")
    x1, x2 = _broadcast_tensors(x1.to(common), x2.to(common))
    n1 = _clamped_norm(x1, dim, eps)
    n2 = _clamped_norm(x2, dim, eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def _clamped_norm(x, dim, eps):
    """||x|| over dim (kept) with its value clamped to >= eps outside autograd, as PyTorch does."""
    n = x.norm(2, dim, keepdim=True)
    d = n._data
    low = d < eps
    if low.any():
        bump = _op._new_tensor(_xp(d).where(low, eps - d, 0).astype(d.dtype), False)
        n = n + bump
    return n


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim of the broadcast inputs."""
    dim = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, dim, keepdim)


def pdist(input, p=2):
    """p-norm distances between all row pairs i < j of a 2-D input, in row-major pair order."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    rows_i = input[_op._new_tensor(i.astype(np.int64), False)]
    rows_j = input[_op._new_tensor(j.astype(np.int64), False)]
    return (rows_i - rows_j).norm(p, 1)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distance between each row of x1 and each row of x2 (batched over leading dims)."""
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.dim()}D")
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{_CAP.get(x.dtype.name, x.dtype.name)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
                           f"X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p, -1)
