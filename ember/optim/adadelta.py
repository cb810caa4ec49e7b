"""Adadelta: unit-consistent steps from running averages of squared gradients and updates.

Paper: Zeiler, "ADADELTA: An Adaptive Learning Rate Method", https://arxiv.org/abs/1212.5701
"""
from __future__ import annotations

from .adam import _addcmul
from .optimizer import Optimizer, _check_lr, _scalar, _step_tensor, _zeros_like, array_module

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """v <- rho v + (1 - rho) g^2;  d = sqrt(u + eps) / sqrt(v + eps) * g;
    u <- rho u + (1 - rho) d^2;  p <- p - lr d.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "square_avg": _zeros_like(p._data),
                "acc_delta": _zeros_like(p._data)}

    def _update(self, group, params, grads, states):
        lr = _scalar(group["lr"])
        rho = group["rho"]
        eps = group["eps"]
        wd = group["weight_decay"]
        maximize = group["maximize"]
        for p, g, s in zip(params, grads, states):
            xp = array_module(p)
            s["step"]._data += 1
            if maximize:
                g = -g
            if wd != 0:
                g = g + wd * p
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
            xp.multiply(delta, -lr, out=t)
            p += t
