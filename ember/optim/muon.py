"""Muon: momentum, then the update orthogonalised by a quintic Newton-Schulz iteration (in
bfloat16, as PyTorch), for 2-D parameters; decoupled weight decay.

Papers: K. Jordan, "Muon: An optimizer for hidden layers in neural networks",
https://kellerjordan.github.io/posts/muon/ ; Liu et al., "Muon is Scalable for LLM Training",
https://arxiv.org/abs/2502.16982
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ._inplace import _lerp
from .optimizer import Optimizer, _zeros_like

__all__ = ["Muon"]

_ADJUST_LR_FNS = ("original", "match_rms_adamw")


class Muon(Optimizer):
    """B <- mu B + (1 - mu) g;  U <- lerp(g, B, mu) (nesterov) or B;  O <- NS_k(U);
    p <- p (1 - lr wd) - adjust(lr, shape) O."""

    _counts_steps = False
    _rule_applies_shared_steps = True  # the decoupled weight decay is the rule's own

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5,
                 adjust_lr_fn=None) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in _ADJUST_LR_FNS:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                    "nesterov": nesterov, "ns_coefficients": ns_coefficients, "eps": eps,
                    "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def _hyper(self, group):
        h = super()._hyper(group)
        h.maximize, h.decay, h.l2 = False, None, 0
        return h

    def _update(self, group, params):
        for p in params:  # PyTorch checks the whole group before updating any parameter
            if p._grad is not None and p.is_complex():
                raise RuntimeError("Muon does not support complex parameters")
        super()._update(group, params)

    def _init_state(self, group, p):
        return {"momentum_buffer": _zeros_like(p._data)}

    def _rule(self, h, p, g, s):
        if g.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        momentum = h.momentum
        buf = s["momentum_buffer"]._data
        t = self._work(p)
        _lerp(np, buf, g, 1 - momentum, t)
        if h.nesterov:  # g.lerp(buf, momentum): PyTorch's formula for weights >= 0.5 differs
            update = _lerp_out(g, buf, momentum)
        else:
            update = buf
        ortho = _newton_schulz(update, h.ns_coefficients, h.ns_steps, h.eps)
        lr = float(h.lr)
        p *= 1 - lr * h.weight_decay
        ortho *= p.dtype.type(-_adjust_lr(lr, h.adjust_lr_fn, p.shape))
        p += ortho


def _lerp_out(a, b, w):
    """a + w (b - a) as a new array, rounded as PyTorch's lerp (its weight >= 0.5 branch is
    b - (b - a) (1 - w))."""
    if abs(w) < 0.5:
        out = np.subtract(b, a)
        out *= w
        out += a
        return out
    out = np.subtract(b, a)
    out *= 1 - a.dtype.type(w)
    return np.subtract(b, out, out=out)


def _adjust_lr(lr: float, adjust_lr_fn, shape) -> float:
    """Keller Jordan's sqrt(max(1, A/B)) ('original', the default) or Moonshot's
    0.2 sqrt(max(A, B)) ('match_rms_adamw'), for a parameter of shape (A, B)."""
    a, b = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, a / b))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * (0.2 * math.sqrt(max(a, b)))
    return lr


def _bf16(x):
    """Round to the nearest bfloat16 (ties to even), held as float32; float64 goes through
    float32 first, as PyTorch's conversion does."""
    with np.errstate(over="ignore"):  # beyond float32's range: inf, as PyTorch
        x = np.asarray(x, dtype=np.float32)
    bits = x.view(np.uint32)
    rounded = (bits + (((bits >> np.uint32(16)) & np.uint32(1)) + np.uint32(0x7FFF))
               ) & np.uint32(0xFFFF0000)
    out = rounded.view(np.float32)
    nan = np.isnan(x)
    if nan.any():
        out = np.where(nan, np.float32(np.nan), out)
    return out


def _newton_schulz(update, coefficients, steps: int, eps: float):
    """The quintic Newton-Schulz iteration X <- aX + (bA + cA^2)X, A = XX^T, in bfloat16
    (float32 accumulation, one rounding per matmul as PyTorch's addmm), on the wide side."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if update.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (np.float32(v) for v in coefficients)
    x = _bf16(update)
    tall = update.shape[0] > update.shape[1]
    if tall:
        x = x.T
    norm = _bf16(np.sqrt(np.dot(x.ravel(), x.ravel())))
    norm = _bf16(max(norm, np.float32(eps)))
    x = _bf16(x / norm)
    for _ in range(steps):
        gram = _bf16(x @ x.T)
        gram_update = _bf16(c * (gram @ gram) + b * gram)
        x = _bf16(gram_update @ x + a * x)
    return np.ascontiguousarray(x.T if tall else x, dtype=update.dtype)
