"""Array kernels of batch norm (training and eval) and last-dim layer norm: the fast paths of
ops/normalization.py, used when no graph of the backward is recorded.

Each is a few whole-array NumPy passes written into one output buffer: per-channel (or per-row)
sums by BLAS matrix-vector products, sums of products by einsum (no product array), and the
affine maps folded into per-channel coefficients, in torch's CPU kernels' order of operations
(batch_norm_cpu_*, LayerNormKernel). On a 16x64x56x56 float32 batch norm this is ~8 NumPy passes
for forward plus backward where the general closed form took ~20 and as many temporaries.
"""
from __future__ import annotations

import numpy as np

_BLAS = (np.dtype(np.float32), np.dtype(np.float64))


def fits(x) -> bool:
    """Whether the kernels apply: a non-empty float32/float64 NumPy array."""
    return x.__class__ is np.ndarray and x.dtype in _BLAS and x.size > 0


def _channels(x):
    """x as (N, C, L): batch, channel, the flattened spatial dims."""
    return x.reshape(x.shape[0], x.shape[1], -1)


def _channel_sum(x3):
    """Sum of (N, C, L) over N and L, per channel (C,)."""
    if x3.shape[2] == 1:
        return x3[:, :, 0].sum(axis=0)
    return (x3 @ np.ones(x3.shape[2], dtype=x3.dtype)).sum(axis=0)


def _col(v):
    """A per-channel (C,) vector as (C, 1), broadcasting against (N, C, L)."""
    return v[:, None]


# ---- batch norm ------------------------------------------------------------------------------


def batch_norm_train(x, w, b, eps):
    """(y, mean, biased var, invstd) of training-mode batch norm; stats are (C,) arrays."""
    x3 = _channels(x)
    cnt = x3.shape[0] * x3.shape[2]
    mean = _channel_sum(x3)
    mean /= cnt
    out = np.empty(x.shape, dtype=x.dtype)  # returned whole: a view would cost a copy later
    y = np.subtract(x3, _col(mean), out=_channels(out))  # x - mean, turned into y in place
    var = np.einsum("ncl,ncl->c", y, y)
    var /= cnt
    invstd = 1.0 / np.sqrt(var + eps)
    alpha = invstd if w is None else invstd * w
    y *= _col(alpha)
    if b is not None:
        y += _col(b)
    return out, mean, var, invstd


def batch_norm_train_backward(g, x, w, mean, invstd, need):
    """(gx, gw, gb) of training-mode batch norm (None where `need` is false), as torch's CPU
    kernel: dx = (dy - mean(dy) - (x - mean) * dot * invstd^2 / n) * invstd * w."""
    g3, x3 = _channels(g), _channels(x)
    cnt = x3.shape[0] * x3.shape[2]
    sum_g = _channel_sum(g3)
    out = np.empty(x.shape, dtype=x.dtype)
    r = np.subtract(x3, _col(mean), out=_channels(out))  # x - mean, turned into dx in place
    dot = np.einsum("ncl,ncl->c", g3, r)
    gx = gw = gb = None
    if len(need) > 1 and need[1]:
        gw = (dot * invstd).astype(w.dtype, copy=False)
    if len(need) > 2 and need[2]:
        gb = sum_g.astype(g.dtype, copy=False)
    if need[0]:
        r *= _col(dot * invstd * invstd / cnt)
        np.subtract(g3, r, out=r)
        r -= _col(sum_g / cnt)
        r *= _col(invstd if w is None else invstd * w)
        gx = out
    return gx, gw, gb


def batch_norm_eval(x, w, b, rm, rv, eps):
    """Eval-mode batch norm y = (x - running_mean) * (w / sqrt(running_var + eps)) + b in three
    passes over one buffer (subtracting first keeps outputs near 0 exact); returns (y, invstd)."""
    invstd = 1.0 / np.sqrt(rv.astype(x.dtype, copy=False) + eps)
    out = np.empty(x.shape, dtype=x.dtype)
    y = np.subtract(_channels(x), _col(rm.astype(x.dtype, copy=False)), out=_channels(out))
    y *= _col(invstd if w is None else invstd * w)
    if b is not None:
        y += _col(b)
    return out, invstd


# ---- layer norm over trailing dims, as rows --------------------------------------------------


def layer_norm_rows(x2, w, b, eps, shape):
    """(y, mean, rstd) of layer norm of each row of (M, K) x2 with (K,) w and b (or None);
    y is returned in `shape`, mean and rstd are (M, 1)."""
    k = x2.shape[1]
    mean = x2 @ np.full((k, 1), 1.0 / k, dtype=x2.dtype)
    out = np.empty(shape, dtype=x2.dtype)
    y = np.subtract(x2, mean, out=out.reshape(x2.shape))
    var = np.einsum("mk,mk->m", y, y)[:, None]
    var /= k
    rstd = 1.0 / np.sqrt(var + eps)
    y *= rstd
    if w is not None:
        y *= w
    if b is not None:
        y += b
    return out, mean, rstd


def layer_norm_rows_backward(g2, x2, w, mean, rstd, need, shape):
    """(gx in `shape`, gw, gb) of layer_norm_rows, as torch's CPU kernel: with gh = dy * w,
    dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat))."""
    k = x2.shape[1]
    out = np.empty(shape, dtype=x2.dtype)
    xhat = np.subtract(x2, mean, out=out.reshape(x2.shape))
    xhat *= rstd
    gx = gw = gb = None
    if len(need) > 1 and need[1]:
        gw = np.einsum("mk,mk->k", g2, xhat).astype(w.dtype, copy=False)
    if len(need) > 2 and need[2]:
        gb = g2.sum(axis=0)
    if need[0]:
        gh = g2 if w is None else g2 * w
        c1 = gh @ np.full((k, 1), 1.0 / k, dtype=x2.dtype)
        c2 = np.einsum("mk,mk->m", gh, xhat)[:, None]
        c2 /= k
        xhat *= c2
        r = np.subtract(gh, xhat, out=xhat)
        r -= c1
        r *= rstd
        gx = out
    return gx, gw, gb
