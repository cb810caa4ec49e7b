"""scaled_dot_product_attention's computation behind nn.functional (which checks the arguments
and composes multi_head_attention_forward): ember ops (matmul, dropout and a softmax op with the
bool / causal mask fused in), so autograd and double backward come free; the formulas follow
PyTorch's math path.
"""
from __future__ import annotations

import math

from .. import _dtype
from ..backend import array_module
from . import _op
from .dropout import dropout
from .softmax import Softmax

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
        s = y.sum(axis=-1, keepdims=True)
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
    q = query * s
    if enable_gqa and query.dim() >= 3:
        hq = query.size(-3)
        if key.size(-3) != hq:
            key = key.repeat_interleave(hq // key.size(-3), -3)
        if value.size(-3) != hq:
            value = value.repeat_interleave(hq // value.size(-3), -3)
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
