"""Embedding lookups (embedding, embedding_bag) and max-norm renormalisation behind nn.functional,
which checks the arguments first.

The lookup is a row gather; its adjoint scatters gradient rows back (skipping padding_idx, divided
by each index's frequency when asked). The two ops are each other's backward, so gradients of any
order exist.
"""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..backend import array_module
from . import _op, creation, indexing, shape
from ._op import Op

__all__ = ["embedding", "embedding_bag"]


def _row_factor(idx, padding_idx: int, scale_grad_by_freq: bool, num: int):
    """Per-lookup gradient factor: 0 at padding_idx, 1/count under scale_grad_by_freq; None if 1."""
    if padding_idx < 0 and not scale_grad_by_freq:
        return None
    xp = array_module(idx)
    flat = idx.reshape(-1)
    f = xp.ones(flat.shape, dtype=np.float64)
    if scale_grad_by_freq:
        f /= xp.bincount(flat, minlength=num)[flat]
    if padding_idx >= 0:
        f[flat == padding_idx] = 0.0
    return f.reshape(idx.shape)


class _Gather(Op):
    """out[..., :] = weight[idx[...], :]; as the adjoint of _Scatter (`scaled`) it also applies
    the per-lookup factor; the lookup's own gradient gets the factor (padding, frequency)."""

    node_name = "EmbeddingBackward0"
    differentiable_args = (0,)

    @staticmethod
    def forward(ctx, weight, idx, factor, scaled=False):
        ctx.idx, ctx.factor, ctx.num = idx, factor, weight.shape[0]
        out = weight[idx]
        if scaled and factor is not None:
            out *= factor[..., None].astype(out.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _Scatter.apply(grad, ctx.idx, ctx.factor, ctx.num)


class _Scatter(Op):
    """The adjoint of _Gather: sum rows of g into a (num, dim) array at idx (times the factor)."""

    node_name = "EmbeddingDenseBackward0"
    differentiable_args = (0,)

    @staticmethod
    def forward(ctx, g, idx, factor, num):
        ctx.idx, ctx.factor = idx, factor
        xp = array_module(g)
        dim = g.shape[-1]
        rows = g.reshape(-1, dim)
        if factor is not None:
            rows = rows * factor.reshape(-1, 1).astype(g.dtype)
        return _scatter_rows(xp, rows, idx.reshape(-1), num)

    @staticmethod
    def backward(ctx, grad):
        return _Gather.apply(grad, ctx.idx, ctx.factor, True)


def _scatter_rows(xp, rows, flat, num: int):
    """(num, dim) zeros plus rows[k] at flat[k], summed in the order of the rows as add.at does;
    rows are grouped by a stable sort and added one repeat rank at a time (a pass per rank, each
    with distinct targets), many times faster than add.at when repeats are few."""
    out = xp.zeros((num, rows.shape[1]), dtype=rows.dtype)
    if xp is not np or flat.size < 2:
        xp.add.at(out, flat, rows)
        return out
    order = np.argsort(flat, kind="stable")
    keys = flat[order]
    new = np.empty(keys.shape, dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    first = np.flatnonzero(new)
    rank = np.arange(keys.size) - first[np.cumsum(new) - 1]
    if int(rank.max()) >= _MAX_PASSES:
        xp.add.at(out, flat, rows)
        return out
    srows = rows[order]
    for r in range(int(rank.max()) + 1):
        sel = first if r == 0 else np.flatnonzero(rank == r)
        at = keys[sel]
        out[at] = out[at] + srows[sel]
    return out


_MAX_PASSES = 16


def _check_range(idx, num: int) -> None:
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num):
        raise IndexError("index out of range in self")


def _renorm_(weight, idx, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without grad, the looked-up rows whose norm exceeds max_norm."""
    xp = array_module(idx)
    rows = xp.unique(idx.reshape(-1))
    norms = xp.linalg.norm(weight._data[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    if bool(big.any()):
        scale = (max_norm / (norms[big] + 1e-7)).astype(weight._data.dtype)[:, None]
        sel = _op._new_tensor(rows[big], False)
        with no_grad():
            weight[sel] = weight[sel] * _op._new_tensor(scale, False)


def _bag_max(rows, seg, counts, bags: int, dim: int, xp):
    """Per-bag max of `rows` through a padded (bags, longest, dim) gather; empty bags are zero."""
    longest = int(counts.max()) if bags and counts.size else 0
    if longest == 0:
        return creation.zeros((bags, dim), dtype=rows.dtype, device=rows.device)
    first = xp.concatenate([xp.zeros(1, dtype=np.int64), xp.cumsum(counts)[:-1]])
    pos = xp.arange(seg.shape[0]) - first[seg]
    table = xp.full((bags, longest), seg.shape[0], dtype=np.int64)  # -> the -inf filler row
    table[seg, pos] = xp.arange(seg.shape[0])
    filler = creation.full((1, dim), float("-inf"), dtype=rows.dtype, device=rows.device)
    padded = shape.cat([rows, filler])[_op._new_tensor(table, False)]
    out = padded.max(1).values
    empty = _op._new_tensor((counts == 0)[:, None], False)
    return out.masked_fill(empty, 0.0)


# ---- the computing entry points (nn.functional checks the arguments first) ----------------------


def embedding(weight, idx, padding_idx: int, max_norm, norm_type: float,
              scale_grad_by_freq: bool):
    """Rows of weight at the index array idx (range-checked here, as PyTorch's kernel does);
    padding_idx (normalised, -1 for none) rows get no gradient."""
    num = weight.shape[0]
    _check_range(idx, num)
    if max_norm is not None:
        _renorm_(weight, idx, max_norm, norm_type)
    return _Gather.apply(weight, idx.astype(np.int64, copy=False),
                         _row_factor(idx, padding_idx, scale_grad_by_freq, num))


def _bag_offsets(input, offsets, include_last_offset: bool):
    """(flat indices, segment starts, number of bags) for 1-D input+offsets or 2-D input."""
    if input.dim() == 2:
        b, n = input.shape
        xp = array_module(input._data)
        return input._data.reshape(-1), xp.arange(0, b * n, n, dtype=np.int64), b
    starts = offsets._data.astype(np.int64)
    if include_last_offset:
        starts = starts[:-1]
    return input._data, starts, starts.shape[0]


def embedding_bag(input, weight, offsets, max_norm, norm_type: float, mode: str,
                  per_sample_weights, include_last_offset: bool, padding_idx: int):
    """Sums, means or maxes of embedding rows per bag (checked arguments), from ember ops."""
    dim = weight.shape[1]
    flat, starts, bags = _bag_offsets(input, offsets, include_last_offset)
    rows = embedding(weight, flat, -1, max_norm, norm_type, False)
    xp = array_module(flat)
    ends = xp.append(starts[1:], flat.shape[0]) if bags else starts
    seg = xp.repeat(xp.arange(bags, dtype=np.int64), xp.maximum(ends - starts, 0))
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1).unsqueeze(-1)
    if padding_idx >= 0:  # padding entries do not count towards their bag
        keep = flat != padding_idx
        rows, seg = rows[_op._new_tensor(keep, False)], seg[keep]
    counts = xp.bincount(seg, minlength=bags)
    if mode == "max":
        return _bag_max(rows, seg, counts, bags, dim, xp)
    out = creation.zeros((bags, dim), dtype=weight.dtype, device=weight.device)
    out = indexing.index_add(out, 0, _op._new_tensor(seg, False), rows)
    if mode == "mean":
        out = out / _op._new_tensor(xp.maximum(counts, 1).astype(out._data.dtype)[:, None], False)
    return out
