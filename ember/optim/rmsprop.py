"""RMSprop: divide the gradient by a running root mean square (optionally centered, with momentum).

Paper: Hinton, Lecture 6e of "Neural Networks for Machine Learning"; centered: Graves, https://arxiv.org/abs/1308.0850
"""
from __future__ import annotations

from ._inplace import _addcdiv, _addcmul, _lerp
from .optimizer import Optimizer, _check_hyper, _new_state, array_module

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """v <- a v + (1 - a) g^2;  d = sqrt(v - gbar^2 (centered) or v) + eps;
    b <- m b + g / d, p <- p - lr b (momentum > 0), else p <- p - lr g / d.
    """

    _elementwise_rule = True

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False) -> None:
        _check_hyper(lr, eps=eps, momentum=momentum, weight_decay=weight_decay,
                     alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay, "capturable": capturable,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        names = ["square_avg"]
        if group["momentum"] > 0:
            names.append("momentum_buffer")
        if group["centered"]:
            names.append("grad_avg")
        return _new_state(p, *names)

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        alpha = h.alpha
        v = s["square_avg"]._data
        t = self._work(p)
        t2 = self._work(p, 1)
        v *= alpha
        _addcmul(xp, v, g, g, 1 - alpha, t)
        if h.centered:
            gbar = s["grad_avg"]._data
            _lerp(xp, gbar, g, 1 - alpha, t)
            avg = xp.multiply(gbar, -1, out=t)
            avg *= gbar
            avg += v
            xp.sqrt(avg, out=avg)
        else:
            avg = xp.sqrt(v, out=t)
        avg += h.eps
        if h.momentum > 0:
            buf = s["momentum_buffer"]._data
            buf *= h.momentum
            _addcdiv(xp, buf, g, avg, 1, t2)
            xp.multiply(buf, -h.lr, out=t2)
            p += t2
        else:
            _addcdiv(xp, p, g, avg, -h.lr, t2)
