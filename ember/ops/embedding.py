"""Embedding lookups (embedding, embedding_bag) and max-norm renormalisation; via nn.functional.

The lookup is a row gather; its adjoint scatters gradient rows back (skipping padding_idx, divided
by each index's frequency when asked). The two ops are each other's backward, so gradients of any
order exist.
"""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..backend import array_module as _xp
from . import _op, creation, indexing, shape
from ._op import Op

__all__ = ["embedding", "embedding_bag"]


def _row_factor(idx, padding_idx: int, scale_grad_by_freq: bool, num: int):
    """Per-lookup gradient factor: 0 at padding_idx, 1/count under scale_grad_by_freq; None if 1."""
    if padding_idx < 0 and not scale_grad_by_freq:
        return None
    xp = _xp(idx)
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
        xp = _xp(g)
        dim = g.shape[-1]
        rows = g.reshape(-1, dim)
        if factor is not None:
            rows = rows * factor.reshape(-1, 1).astype(g.dtype)
        out = xp.zeros((num, dim), dtype=g.dtype)
        xp.add.at(out, idx.reshape(-1), rows)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _Gather.apply(grad, ctx.idx, ctx.factor, True)


_TYPE = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
         "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
         "bool": "Bool"}


def _check_indices(input, fn: str) -> None:
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
            f"Long, Int; but got torch.{_TYPE.get(input.dtype.name, input.dtype.name)}Tensor "
            f"instead (while checking arguments for {fn})")


def _check_range(idx, num: int) -> None:
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num):
        raise IndexError("index out of range in self")


def _normalize_padding_idx(padding_idx, num: int) -> int:
    if padding_idx is None:
        return -1
    if padding_idx >= num or padding_idx < -num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + num if padding_idx < 0 else padding_idx


def _renorm_(weight, idx, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without grad, the looked-up rows whose norm exceeds max_norm."""
    xp = _xp(idx)
    rows = xp.unique(idx.reshape(-1))
    norms = xp.linalg.norm(weight._data[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    if bool(big.any()):
        scale = (max_norm / (norms[big] + 1e-7)).astype(weight._data.dtype)[:, None]
        sel = _op._new_tensor(rows[big], False)
        with no_grad():
            weight[sel] = weight[sel] * _op._new_tensor(scale, False)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False):
    """Rows of `weight` at integer `input`; padding_idx rows get no gradient.

    `sparse=True` is accepted but the gradient is dense (ember has no sparse tensors).
    """
    _check_indices(input, "embedding")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    num = weight.shape[0]
    pad = _normalize_padding_idx(padding_idx, num)
    idx = input._data
    _check_range(idx, num)
    if max_norm is not None:
        _renorm_(weight, idx, max_norm, norm_type)
    return _Gather.apply(weight, idx.astype(np.int64, copy=False),
                         _row_factor(idx, pad, scale_grad_by_freq, num))


def _bag_offsets(input, offsets, include_last_offset: bool):
    """(flat indices, segment starts, number of bags) for 1-D input+offsets or 2-D input."""
    xp = _xp(input._data)
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")
        b, n = input.shape
        return input._data.reshape(-1), xp.arange(0, b * n, n, dtype=np.int64), b
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    starts = offsets._data.astype(np.int64)
    if include_last_offset:
        starts = starts[:-1]
    return input._data, starts, starts.shape[0]


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights=None, include_last_offset: bool = False, padding_idx=None):
    """Sums, means or maxes of embedding rows per bag, as a composite of ember ops."""
    _check_indices(input, "embedding_bag")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' "
                                  f"(got mode='{mode}'). Please open a feature request on GitHub.")
    num, dim = weight.shape
    pad = _normalize_padding_idx(padding_idx, num)
    flat, starts, bags = _bag_offsets(input, offsets, include_last_offset)
    _check_range(flat, num)
    if max_norm is not None:
        _renorm_(weight, flat, max_norm, norm_type)
    xp = _xp(flat)
    ends = xp.append(starts[1:], flat.shape[0]) if bags else starts
    seg = xp.repeat(xp.arange(bags, dtype=np.int64), xp.maximum(ends - starts, 0))
    rows = embedding(_op._new_tensor(flat.astype(np.int64), False), weight)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1).unsqueeze(-1)
    if pad >= 0:  # padding entries do not count towards their bag
        keep = flat != pad
        rows, seg = rows[_op._new_tensor(keep, False)], seg[keep]
    counts = xp.bincount(seg, minlength=bags)
    if mode == "max":
        return _bag_max(rows, seg, counts, bags, dim, xp)
    out = creation.zeros((bags, dim), dtype=weight.dtype, device=weight.device)
    out = indexing.index_add(out, 0, _op._new_tensor(seg, False), rows)
    if mode == "mean":
        out = out / _op._new_tensor(xp.maximum(counts, 1).astype(out._data.dtype)[:, None], False)
    return out


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
