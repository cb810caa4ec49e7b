"""Adamax: Adam with the infinity norm in place of the second moment.

Paper: Kingma & Ba, "Adam: A Method for Stochastic Optimization", https://arxiv.org/abs/1412.6980
"""
from __future__ import annotations

from .adam import _addcdiv, _check_adam, _lerp
from .optimizer import Optimizer, _scalar, _step_tensor, _zeros_like, array_module

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """m <- b1 m + (1 - b1) g;  u <- max(b2 u, |g| + eps);  p <- p - lr / (1 - b1^t) * m / u."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False,
                 capturable=False) -> None:
        _check_adam(lr, eps, betas, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "exp_avg": _zeros_like(p._data),
                "exp_inf": _zeros_like(p._data)}

    def _update(self, group, params, grads, states):
        lr = _scalar(group["lr"])
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        wd = group["weight_decay"]
        maximize = group["maximize"]
        for p, g, s in zip(params, grads, states):
            xp = array_module(p)
            if maximize:
                g = -g
            step_a = s["step"]._data
            step_a += 1
            if wd != 0:
                g = g + wd * p
            m = s["exp_avg"]._data
            u = s["exp_inf"]._data
            t = self._work(p)
            _lerp(xp, m, g, 1 - beta1, t)
            u *= beta2
            xp.abs(g, out=t)
            t += eps
            xp.maximum(u, t, out=u)
            clr = lr / (1 - beta1 ** step_a.item())
            _addcdiv(xp, p, m, u, -clr, t)
