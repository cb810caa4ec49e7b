"""scaled_dot_product_attention's computation behind nn.functional (which checks the arguments
and composes multi_head_attention_forward). torch's CPU flash cases (4-D float32/float64 q, k, v
of equal batch, heads and head size, no dropout; causal, bool or constant float masks) run as one
fused op (_FlashAttention: no materialised mask, scores normalised in place, a raw-array
backward; measured on benchmarks/gpt.py's sdpa_causal_fwd_bwd: 2.5 -> 1.2 ms, torch 1.4 ms, one
thread). Every other case composes ember ops (matmul, dropout and a softmax op with the mask fused
in) along PyTorch's math path; both have double backward.
"""
from __future__ import annotations

import math

from .. import _dtype
from ..backend import array_module
from . import _op
from ._op import Op
from .dropout import dropout
from .softmax import Softmax, sum_keepdims

__all__ = ["scaled_dot_product_attention"]

_NEG_INF = float("-inf")


class _SafeSoftmax(Softmax):
    """Softmax over the last axis with an optional bool `keep` mask fused in (dropped scores are
    -inf); rows with nothing left give zeros, not NaN, as torch's _safe_softmax."""

    node_name = "SafeSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, keep):
        xp = array_module(x)
        if keep is not None:
            x = xp.where(keep, x, x.dtype.type(_NEG_INF))
        if x.size == 0 or x.dtype.itemsize < 4:
            return _SafeSoftmax._small(ctx, x)
        ctx.axis = x.ndim - 1
        ctx.save_output()
        m = x.max(axis=-1, keepdims=True)
        dead = xp.isneginf(m)
        any_dead = bool(dead.any())
        if any_dead:
            m[dead] = 0
        y = x - m if keep is None else xp.subtract(x, m, out=x)
        xp.exp(y, out=y)
        s = sum_keepdims(y, -1 % y.ndim)
        if any_dead:
            s[dead] = 1
        y /= s
        return y

    @staticmethod
    def _small(ctx, x):
        """Empty and half-precision scores: computed in float32, as PyTorch's opmath."""
        ctx.axis = x.ndim - 1
        ctx.save_output()
        if x.size == 0:
            return x.copy()
        y = _SafeSoftmax.forward(_op._ForwardOnly(), x.astype("float32"), None)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return Softmax.backward(ctx, grad)[0], None


def _safe_softmax(x, keep=None):
    """Softmax over the last dim of scores `x` (ndim >= 2), keeping only where `keep` is True."""
    return _SafeSoftmax.apply(x, keep)


# ---- scaled_dot_product_attention (nn.functional checks the arguments first) --------------------


def _broadcast_check(attn_shape, mask_shape) -> None:
    """The mask is added in place to the scores: it must broadcast to their shape unchanged."""
    a, m = tuple(attn_shape), tuple(mask_shape)
    if len(m) > len(a):
        out = _broadcast_shape(a, m)
        raise RuntimeError(f"output with shape {list(a)} doesn't match the broadcast shape "
                           f"{list(out)}")
    for i in range(1, len(m) + 1):
        if m[-i] != a[-i] and m[-i] != 1:
            if a[-i] == 1:
                out = _broadcast_shape(a, m)
                raise RuntimeError(f"output with shape {list(a)} doesn't match the broadcast "
                                   f"shape {list(out)}")
            raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b "
                               f"({m[-i]}) at non-singleton dimension {len(a) - i}")


def _broadcast_shape(a, b):
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(max(x, y) for x, y in zip(a, b))


def scaled_dot_product_attention(query, key, value, attn_mask, dropout_p: float, is_causal: bool,
                                 scale, enable_gqa: bool):
    """softmax(q k^T * scale + mask) v for checked arguments, with torch's math-path semantics
    (rows with every key masked give zeros); bool masks mark the positions that take part."""
    s = 1.0 / math.sqrt(query.size(-1)) if scale is None else float(scale)
    if enable_gqa and query.dim() >= 3:
        hq = query.size(-3)
        if key.size(-3) != hq:
            key = key.repeat_interleave(hq // key.size(-3), -3)
        if value.size(-3) != hq:
            value = value.repeat_interleave(hq // value.size(-3), -3)
    if dropout_p == 0.0 and _flash_shapes(query, key, value):
        keep, bias = _flash_mask(query, key, attn_mask, is_causal)
        if keep is not _COMPOSE:
            return _FlashAttention.apply(query, key, value, s, is_causal, keep, bias)
    q = query * s
    attn = q.matmul(key.transpose(-2, -1))
    keep = None
    if is_causal:
        keep = array_module(attn._data).tri(attn.size(-2), attn.size(-1), dtype=bool)
    elif attn_mask is not None:
        _broadcast_check(attn.shape, attn_mask.shape)
        if attn_mask.dtype == _dtype.bool:
            keep = attn_mask._data
        else:
            if attn_mask.dtype != attn.dtype:
                attn_mask = attn_mask.to(attn.dtype)
            attn = attn + attn_mask
    attn = _safe_softmax(attn, keep)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn.matmul(value)


# ---- the fused path (torch's CPU flash kernel's cases) --------------------------------------------

_COMPOSE = object()  # _flash_mask's answer when the mask needs the composed path


def _flash_shapes(q, k, v) -> bool:
    """torch's CPU flash conditions: 4-D float32/float64 q, k, v with equal batch and head dims
    and equal head sizes, nothing empty."""
    qd, kd, vd = q._data, k._data, v._data
    return (qd.ndim == 4 and kd.ndim == 4 and vd.ndim == 4 and qd.dtype.kind == "f"
            and qd.dtype.itemsize >= 4 and kd.dtype == qd.dtype and vd.dtype == qd.dtype
            and qd.shape[:2] == kd.shape[:2] == vd.shape[:2]
            and qd.shape[3] == kd.shape[3] == vd.shape[3] and kd.shape[2] == vd.shape[2]
            and qd.size > 0 and kd.size > 0)


def _flash_mask(q, k, attn_mask, is_causal):
    """(keep, bias) arrays for the fused op: a bool mask keeps, a float mask is added;
    (_COMPOSE, None) for a float mask that wants a gradient."""
    if is_causal or attn_mask is None:
        return None, None
    _broadcast_check(q.shape[:-1] + (k.size(-2),), attn_mask.shape)
    if attn_mask.dtype == _dtype.bool:
        return attn_mask._data, None
    if attn_mask.requires_grad:
        return _COMPOSE, None
    m = attn_mask._data
    return None, m.astype(q._data.dtype, copy=False)


def _keys_first(xp, shape, dtype):
    """An empty (B, H, L, S) score array whose memory is laid out (S, B, H, L): reductions over
    the keys (softmax's max and sum) then run over the outermost axis, several times faster in
    NumPy than over a short last axis; matmul writes into it through `out=`."""
    b, h, n_q, n_k = shape
    return xp.empty((n_k, b, h, n_q), dtype).transpose(1, 2, 3, 0)


def _causal_bias(xp, n_q: int, n_k: int, dtype):
    """0 where query i may see key j (j <= i, top-left aligned as torch's), -inf elsewhere, as a
    (B, H, L, S)-broadcastable view with the keys-first memory of the scores."""
    bias = xp.where(xp.tri(n_k, n_q, -1, dtype=bool), dtype.type(_NEG_INF), dtype.type(0))
    return bias[:, None, None, :].transpose(1, 2, 3, 0)


class _FlashAttention(Op):
    """softmax(q k^T * scale + mask) v as one op: forward masks and normalises the scores in
    place and keeps the probabilities P; backward is dv = P^T g, dS = P * (dP - rowsum(dP * P))
    with dP = g v^T, dq = dS k * scale, dk = dS^T q * scale (in ember ops under create_graph).
    Scores live keys-first in memory (_keys_first)."""

    node_name = "ScaledDotProductFlashAttentionForCpuBackward0"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, q, k, v, scale, causal, keep, bias):
        xp = array_module(q)
        ctx.meta = (scale, causal, keep, bias)
        a = _keys_first(xp, q.shape[:3] + (k.shape[2],), q.dtype)
        xp.matmul(q * scale, xp.swapaxes(k, -1, -2), out=a)
        if bias is not None:
            a += bias
        if causal:
            a += _causal_bias(xp, a.shape[2], a.shape[3], a.dtype)
        elif keep is not None:
            xp.copyto(a, a.dtype.type(_NEG_INF), where=~keep)
        m = a.max(axis=-1, keepdims=True)
        dead = None
        if bias is not None or keep is not None:  # rows with every key masked give zeros
            dead = xp.isneginf(m)
            if dead.any():
                m[dead] = 0
            else:
                dead = None
        xp.subtract(a, m, out=a)
        xp.exp(a, out=a)
        total = a.sum(axis=-1, keepdims=True)
        if dead is not None:
            total[dead] = 1
        a /= total
        ctx.p = a
        return xp.matmul(a, v)

    @staticmethod
    def backward(ctx, grad):
        q, k, v = ctx.inputs
        scale, causal, keep, bias = ctx.meta
        need = ctx.needs_input_grad
        if _op._grad_state.enabled:  # create_graph: the same formulas in ember ops
            return _flash_backward_graph(q, k, v, grad, scale, causal, keep, bias, need)
        p, g = ctx.p, grad._data
        xp = array_module(p)
        if not g.flags.c_contiguous:  # (a broadcast gradient, such as sum's, is no BLAS operand)
            g = xp.ascontiguousarray(g)
        dq = dk = dv = None
        if need[2]:
            dv = _op._new_tensor(xp.matmul(xp.swapaxes(p, -1, -2), g))
        if need[0] or need[1]:
            ds = _keys_first(xp, p.shape, p.dtype)  # dP, then dS in place
            xp.matmul(g, xp.swapaxes(v._data, -1, -2), out=ds)
            row = (ds * p).sum(axis=-1, keepdims=True)
            xp.subtract(ds, row, out=ds)
            ds *= p
            if need[0]:
                dq = xp.matmul(ds, k._data)
                dq *= scale
                dq = _op._new_tensor(dq)
            if need[1]:
                dk = xp.matmul(xp.swapaxes(ds, -1, -2), q._data)
                dk *= scale
                dk = _op._new_tensor(dk)
        return dq, dk, dv, None, None, None, None


def _flash_backward_graph(q, k, v, grad, scale, causal, keep, bias, need):
    """_FlashAttention's gradients as ember ops (P recomputed), so double backward works."""
    qs = q * scale
    a = qs.matmul(k.transpose(-2, -1))
    if bias is not None:
        a = a + _op._new_tensor(bias)
    if causal:
        keep = array_module(a._data).tri(a.size(-2), a.size(-1), dtype=bool)
    p = _safe_softmax(a, keep)
    dv = p.transpose(-2, -1).matmul(grad) if need[2] else None
    dq = dk = None
    if need[0] or need[1]:
        dp = grad.matmul(v.transpose(-2, -1))
        ds = p * (dp - (dp * p).sum(-1, keepdim=True))
        dq = ds.matmul(k) * scale if need[0] else None
        dk = ds.transpose(-2, -1).matmul(qs) if need[1] else None
    return dq, dk, dv, None, None, None, None
