"""Connectionist Temporal Classification loss: -log p(target | input) summed over alignments.

forward: the alpha recursion over the blank-extended target l' (length 2L+1) in log space, one
time step at a time for the whole batch. backward: the beta recursion, then torch's gradient,
which is taken with respect to the logits behind a log_softmax (it includes the exp(log_probs)
term), not to log_probs themselves: grad = exp(lp) - exp(log(sum over s with l'_s = c of
alpha beta) + nll - lp). torch has no double backward for it either.
"""
from __future__ import annotations

import numpy as np

from .._tensor import _new_tensor
from ._op import Op

__all__: list[str] = []

_NEG_INF = -np.inf


def _extended(targets: list[np.ndarray], blank: int, width: int) -> np.ndarray:
    """(N, width) blank-interleaved targets, padded with blank."""
    ext = np.full((len(targets), width), blank, dtype=np.int64)
    for n, t in enumerate(targets):
        ext[n, 1:2 * len(t):2] = t
    return ext


def _skip_allowed(ext: np.ndarray, blank: int, forward: bool) -> np.ndarray:
    """Where a step may skip one blank (s-2 -> s forward, s+2 -> s backward): the label is not
    blank and differs from the one two places back (or ahead)."""
    allowed = np.zeros(ext.shape, dtype=bool)
    if forward:
        allowed[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    else:
        allowed[:, :-2] = (ext[:, :-2] != blank) & (ext[:, :-2] != ext[:, 2:])
    return allowed


def _lse3(a, b, c):
    m = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isinf(m), 0, m)
    with np.errstate(invalid="ignore"):
        out = safe + np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe))
    return np.where(np.isneginf(m), _NEG_INF, out)


def _emissions(lp, ext, t):
    """log p of each extended label at time t: (N, S')."""
    return np.take_along_axis(lp[t], ext, axis=1)


def _alpha(lp, ext, in_lens, lengths_ext, blank):
    T, N, _ = lp.shape
    width = ext.shape[1]
    valid = np.arange(width)[None, :] < lengths_ext[:, None]
    skip = _skip_allowed(ext, blank, forward=True)
    alpha = np.full((T, N, width), _NEG_INF, dtype=lp.dtype)
    if T == 0:
        return alpha
    first = np.full((N, width), _NEG_INF, dtype=lp.dtype)
    e0 = _emissions(lp, ext, 0)
    first[:, 0] = e0[:, 0]
    first[:, 1] = np.where(lengths_ext > 1, e0[:, 1], _NEG_INF)
    alpha[0] = np.where(valid & (in_lens[:, None] > 0), first, _NEG_INF)
    for t in range(1, T):
        prev = alpha[t - 1]
        one = np.concatenate([np.full((N, 1), _NEG_INF, lp.dtype), prev[:, :-1]], axis=1)
        two = np.concatenate([np.full((N, 2), _NEG_INF, lp.dtype), prev[:, :-2]], axis=1)
        two = np.where(skip, two, _NEG_INF)
        cur = _lse3(prev, one, two) + _emissions(lp, ext, t)
        alpha[t] = np.where(valid & (t < in_lens[:, None]), cur, _NEG_INF)
    return alpha


def _beta(lp, ext, in_lens, lengths_ext, blank):
    T, N, _ = lp.shape
    width = ext.shape[1]
    cols = np.arange(width)[None, :]
    valid = cols < lengths_ext[:, None]
    skip = _skip_allowed(ext, blank, forward=False)
    beta = np.full((T, N, width), _NEG_INF, dtype=lp.dtype)
    last = lengths_ext[:, None] - 1
    for t in range(T - 1, -1, -1):
        e = _emissions(lp, ext, t)
        start = (cols == last) | (cols == last - 1)
        if t + 1 < T:
            nxt = beta[t + 1]
            one = np.concatenate([nxt[:, 1:], np.full((N, 1), _NEG_INF, lp.dtype)], axis=1)
            two = np.concatenate([nxt[:, 2:], np.full((N, 2), _NEG_INF, lp.dtype)], axis=1)
            two = np.where(skip, two, _NEG_INF)
            cont = _lse3(nxt, one, two) + e
        else:
            cont = np.full((N, width), _NEG_INF, lp.dtype)
        is_last = (t == in_lens[:, None] - 1)
        cur = np.where(is_last, np.where(start, e, _NEG_INF), cont)
        beta[t] = np.where(valid & (t < in_lens[:, None]), cur, _NEG_INF)
    return beta


class CtcLoss(Op):
    """Per-sample CTC negative log likelihood of (T, N, C) log_probs."""

    differentiable_args = (0,)
    node_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, lp, targets, in_lens, blank, zero_infinity):
        lengths_ext = np.array([2 * len(t) + 1 for t in targets], dtype=np.int64)
        width = int(lengths_ext.max()) if len(targets) else 1
        ext = _extended(targets, blank, width)
        alpha = _alpha(lp, ext, in_lens, lengths_ext, blank)
        n_idx = np.arange(lp.shape[1])
        t_last = np.maximum(in_lens - 1, 0)
        a_last = alpha[t_last, n_idx]
        end1 = np.take_along_axis(a_last, (lengths_ext - 1)[:, None], axis=1)[:, 0]
        end2 = np.where(lengths_ext > 1, np.take_along_axis(
            a_last, np.maximum(lengths_ext - 2, 0)[:, None], axis=1)[:, 0], _NEG_INF)
        nll = -np.logaddexp(end1, end2)
        nll = np.where(in_lens == 0, np.where(lengths_ext == 1, -0.0, np.inf), nll).astype(lp.dtype)
        ctx.lp, ctx.ext, ctx.alpha, ctx.nll = lp, ext, alpha, nll
        ctx.in_lens, ctx.lengths_ext, ctx.blank, ctx.zero_infinity = (in_lens, lengths_ext, blank,
                                                                      zero_infinity)
        if zero_infinity:
            return np.where(np.isinf(nll), np.zeros_like(nll), nll)
        return nll

    @staticmethod
    def backward(ctx, grad):
        lp, ext, alpha, nll = ctx.lp, ctx.ext, ctx.alpha, ctx.nll
        beta = _beta(lp, ext, ctx.in_lens, ctx.lengths_ext, ctx.blank)
        T, N, C = lp.shape
        ab = alpha + beta  # (T, N, S')
        lcab = np.full((T, N, C), _NEG_INF, dtype=lp.dtype)
        for s in range(ext.shape[1]):  # logsumexp into each label's column
            cols = ext[:, s]
            cur = lcab[:, np.arange(N), cols]
            lcab[:, np.arange(N), cols] = np.logaddexp(cur, ab[:, :, s])
        with np.errstate(invalid="ignore", over="ignore"):
            g = np.exp(lp) - np.exp(lcab + nll[None, :, None] - lp)
        g = g * grad._data[None, :, None]
        active = np.arange(T)[:, None] < ctx.in_lens[None, :]
        g = np.where(active[:, :, None], g, 0).astype(lp.dtype)
        if ctx.zero_infinity:
            g = np.where(np.isinf(nll)[None, :, None], 0, g).astype(lp.dtype)
        return _new_tensor(g)
