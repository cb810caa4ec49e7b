"""Adadelta: unit-consistent steps from running averages of squared gradients and updates.

Paper: Zeiler, "ADADELTA: An Adaptive Learning Rate Method", https://arxiv.org/abs/1212.5701
"""
from __future__ import annotations

from ._inplace import _addcmul
from .optimizer import Optimizer, _check_hyper, _new_state, array_module

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """v <- rho v + (1 - rho) g^2;  d = sqrt(u + eps) / sqrt(v + eps) * g;
    u <- rho u + (1 - rho) d^2;  p <- p - lr d.
    """

    _elementwise_rule = True

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False) -> None:
        _check_hyper(lr, rho=rho, eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return _new_state(p, "square_avg", "acc_delta")

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        rho, eps = h.rho, h.eps
        v = s["square_avg"]._data
        u = s["acc_delta"]._data
        t = self._work(p)
        v *= rho
        _addcmul(xp, v, g, g, 1 - rho, t)
        std = xp.add(v, eps, out=t)
        xp.sqrt(std, out=std)
        delta = xp.add(u, eps, out=self._work(p, 1))
        xp.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        u *= rho
        _addcmul(xp, u, delta, delta, 1 - rho, t)
        xp.multiply(delta, -h.lr, out=t)
        p += t
