"""Adagrad: per-coordinate learning rates from the running sum of squared gradients.

Paper: Duchi et al., "Adaptive Subgradient Methods", https://jmlr.org/papers/v12/duchi11a.html
"""
from __future__ import annotations

from ._inplace import _addcdiv, _addcmul
from .optimizer import (
    Optimizer,
    _check_fused,
    _check_hyper,
    _new_tensor,
    _step_tensor,
    array_module,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """s <- s + g^2;  p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)."""

    _elementwise_rule = True

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False,
                 fused=None) -> None:
        _check_hyper(lr, lr_decay=lr_decay, weight_decay=weight_decay,
                     initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)
        for group in self.param_groups:  # PyTorch creates Adagrad's state eagerly
            for p in group["params"]:
                self.state[p] = self._init_state(group, p)

    def _init_state(self, group, p):
        a = p._data
        return {"step": _step_tensor(),
                "sum": _new_tensor(array_module(a).full_like(
                    a, group["initial_accumulator_value"]))}

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        clr = h.lr / (1 + (s["step"]._data.item() - 1) * h.lr_decay)
        total = s["sum"]._data
        t = self._work(p)
        _addcmul(xp, total, g, g, 1, t)
        std = xp.sqrt(total, out=t)
        std += h.eps
        _addcdiv(xp, p, g, std, -clr, self._work(p, 1))
