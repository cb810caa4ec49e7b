"""Adafactor: Adam-like steps with a factored second moment (row and column statistics of each
matrix instead of a full-size variance), and steps scaled by the parameter's RMS.

Paper: Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
https://arxiv.org/abs/1804.04235 (torch's variant: beta2_t = 1 - t^beta2_decay, rho_t =
min(lr, 1/sqrt(t)), update clipped by max(1, RMS(update) / d)).
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _new_tensor
from .optimizer import Optimizer, _step_tensor, array_module

__all__ = ["Adafactor"]


def _lerp_(xp, a, b, w: float) -> None:
    """a <- lerp(a, b, w) in place with PyTorch's two formulas (exact at w = 1)."""
    if w < 0.5:
        a += w * (b - a)
    else:
        xp.subtract(b, (b - a) * (1 - w), out=a)


class Adafactor(Optimizer):
    """Factored second moments for tensors of 2+ dims, a full one for vectors; see module doc."""

    _rule_applies_shared_steps = True

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        xp = array_module(p._data)
        a = p._data
        state = {"step": _step_tensor()}
        if a.ndim > 1:
            state["row_var"] = _zeros(xp, a.shape[:-1] + (1,), a.dtype)
            state["col_var"] = _zeros(xp, a.shape[:-2] + (1, a.shape[-1]), a.dtype)
        else:
            state["variance"] = _zeros(xp, a.shape, a.dtype)
        return state

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        if h.maximize:
            g = -g
        t = float(s["step"]._data)
        one_minus_beta2 = t ** h.beta2_decay
        rho = min(h.lr, 1 / t ** 0.5)
        eps1 = h.eps[0] if h.eps[0] is not None else float(np.finfo(p.dtype).eps)
        alpha = max(h.eps[1], float(xp.sqrt(xp.sum(p * p))) / p.size ** 0.5) * rho
        if h.weight_decay != 0:
            p *= 1 - h.lr * h.weight_decay
        if p.ndim > 1:
            row_var, col_var = s["row_var"]._data, s["col_var"]._data
            row_mean = xp.square(xp.sqrt(xp.sum(g * g, axis=-1, keepdims=True))) / g.shape[-1]
            _lerp_(xp, row_var, row_mean, one_minus_beta2)
            col_mean = xp.square(xp.sqrt(xp.sum(g * g, axis=-2, keepdims=True))) / g.shape[-2]
            _lerp_(xp, col_var, col_mean, one_minus_beta2)
            var = xp.matmul(row_var, col_var)
            var /= xp.maximum(xp.mean(row_var, axis=-2, keepdims=True), eps1)
        else:
            variance = s["variance"]._data
            _lerp_(xp, variance, g * g, one_minus_beta2)
            var = variance.copy()
        update = 1 / xp.sqrt(xp.maximum(var, eps1 * eps1))
        update *= g
        denom = max(1.0, float(xp.sqrt(xp.sum(update * update))) / (math.sqrt(update.size) * h.d))
        p -= update * (alpha / denom)


def _zeros(xp, shape, dtype):
    return _new_tensor(xp.zeros(shape, dtype))
