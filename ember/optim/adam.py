"""Adam (and AdamW's decoupled weight decay), with amsgrad and maximize.

Paper: Kingma & Ba, "Adam: A Method for Stochastic Optimization", https://arxiv.org/abs/1412.6980
"""
from __future__ import annotations

import math
from typing import ClassVar

from ._inplace import _addcdiv, _addcmul, _lerp
from .optimizer import (
    Optimizer,
    Tensor,
    _check_fused,
    _check_hyper,
    _new_state,
    _shared_steps,
    array_module,
)

__all__ = ["Adam"]


class Adam(Optimizer):
    """m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)  (v: running max if amsgrad).
    """

    _elementwise_rule = True
    _rule_applies_shared_steps = True  # maximize and weight decay chunk by chunk, in cache
    _group_fallbacks: ClassVar[dict] = {
        "amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
        "differentiable": False, "fused": None, "decoupled_weight_decay": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and "
                             "foreach=True")
        _check_hyper(lr, eps=eps, betas=betas, weight_decay=weight_decay)
        b0, b1 = betas
        if not ((isinstance(b0, float) and isinstance(b1, float))
                or (isinstance(b0, Tensor) and isinstance(b1, Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")  # noqa: TRY004
        for i, b in enumerate(betas):
            if isinstance(b, Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for "
                                     "capturable=False and foreach=True")
                if b.numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() else b for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)

    def _init_state(self, group, p):
        if group["amsgrad"]:
            return _new_state(p, "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
        return _new_state(p, "exp_avg", "exp_avg_sq")

    def _hyper(self, group):
        h = super()._hyper(group)
        h.tensor_betas = isinstance(group["betas"][0], Tensor)
        return h

    def _rule(self, h, p, g, s):
        step = s["step"]._data.item()
        beta1, beta2 = h.betas
        if not h.tensor_betas:
            step_size = h.lr / (1 - beta1 ** step)
            bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
            weight1 = 1 - beta1
        else:  # 0-d tensor arithmetic, rounded as PyTorch rounds it
            step_size = (1 / (1 - _tensor_pow(beta1, step))) * h.lr
            bias_correction2_sqrt = _tensor_pow(1 - _tensor_pow(beta2, step), 0.5)
            weight1 = 1 - p.dtype.type(beta1)  # PyTorch moves beta1 to the param's dtype
        arrays = [p, g, s["exp_avg"]._data, s["exp_avg_sq"]._data,
                  s["max_exp_avg_sq"]._data if h.amsgrad else None]
        _chunked(self, _adam_rule, arrays, h, weight1, bias_correction2_sqrt, -step_size)


def _adam_rule(xp, p, g, m, v, vmax, t, t2, h, weight1, bias_correction2_sqrt,
               neg_step_size) -> None:
    """Adam's update of one (chunk of a) parameter in place; `t`, `t2` are scratch."""
    g = _shared_steps(h, p, g)
    _lerp(xp, m, g, weight1, t)
    v *= h.betas[1]
    _addcmul(xp, v, g, g, 1 - h.betas[1], t)
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        v = vmax
    denom = xp.sqrt(v, out=t)
    denom /= bias_correction2_sqrt
    denom += h.eps
    _addcdiv(xp, p, m, denom, neg_step_size, t2)


_CHUNK = 1 << 16  # elements per chunk: the dozen passes of a rule stay in cache (L2/L3)


def _chunked(opt, rule, arrays, *scalars) -> None:
    """Run an elementwise `rule(xp, *arrays, t, t2, *scalars)` over a parameter and its state
    arrays, chunk by chunk for large contiguous ones: each chunk's passes then hit cache instead
    of memory (a fused kernel's traffic). arrays = [param, grad, *state]; None entries pass."""
    p = arrays[0]
    xp = array_module(p)
    t, t2 = opt._work(p), opt._work(p, 1)
    n = p.size
    state = arrays[:1] + arrays[2:]
    if n <= 2 * _CHUNK or not all(a is None or a.flags.c_contiguous for a in state):
        rule(xp, *arrays, t, t2, *scalars)
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]  # the grad may be copied
    t, t2 = t.reshape(-1), t2.reshape(-1)
    for i in range(0, n, _CHUNK):
        j = i + _CHUNK
        rule(xp, *[None if a is None else a[i:j] for a in flat], t[i:j], t2[i:j],
             *scalars)


def _tensor_pow(x, exponent):
    """x ** exponent for a NumPy scalar standing for a 0-d tensor: PyTorch's pow kernel takes
    exact squares, cubes and square roots for those exponents."""
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return x.dtype.type(math.sqrt(x))
    return x ** exponent
