"""Adamax: Adam with the infinity norm in place of the second moment.

Paper: Kingma & Ba, "Adam: A Method for Stochastic Optimization", https://arxiv.org/abs/1412.6980
"""
from __future__ import annotations

from ._inplace import _addcdiv, _lerp
from .optimizer import Optimizer, _check_hyper, _new_state, array_module

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """m <- b1 m + (1 - b1) g;  u <- max(b2 u, |g| + eps);  p <- p - lr / (1 - b1^t) * m / u."""

    _elementwise_rule = True

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False,
                 capturable=False) -> None:
        _check_hyper(lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return _new_state(p, "exp_avg", "exp_inf")

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        beta1, beta2 = h.betas
        m = s["exp_avg"]._data
        u = s["exp_inf"]._data
        t = self._work(p)
        _lerp(xp, m, g, 1 - beta1, t)
        u *= beta2
        xp.abs(g, out=t)
        t += h.eps
        xp.maximum(u, t, out=u)
        clr = h.lr / (1 - beta1 ** s["step"]._data.item())
        _addcdiv(xp, p, m, u, -clr, t)
