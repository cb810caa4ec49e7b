"""RMSprop: divide the gradient by a running root mean square (optionally centered, with momentum).

Paper: Hinton, Lecture 6e of "Neural Networks for Machine Learning"; centered: Graves, https://arxiv.org/abs/1308.0850
"""
from __future__ import annotations

from .adam import _addcdiv, _addcmul, _lerp
from .optimizer import Optimizer, _check_lr, _scalar, _step_tensor, _zeros_like, array_module

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """v <- a v + (1 - a) g^2;  d = sqrt(v - gbar^2 (centered) or v) + eps;
    b <- m b + g / d, p <- p - lr b (momentum > 0), else p <- p - lr g / d.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay, "capturable": capturable,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        s = {"step": _step_tensor(), "square_avg": _zeros_like(p._data)}
        if group["momentum"] > 0:
            s["momentum_buffer"] = _zeros_like(p._data)
        if group["centered"]:
            s["grad_avg"] = _zeros_like(p._data)
        return s

    def _update(self, group, params, grads, states):
        lr = _scalar(group["lr"])
        alpha = group["alpha"]
        eps = group["eps"]
        wd = group["weight_decay"]
        momentum = group["momentum"]
        centered = group["centered"]
        maximize = group["maximize"]
        for p, g, s in zip(params, grads, states):
            xp = array_module(p)
            if maximize:
                g = -g
            s["step"]._data += 1
            if wd != 0:
                g = g + wd * p
            v = s["square_avg"]._data
            t = self._work(p)
            t2 = self._work(p, 1)
            v *= alpha
            _addcmul(xp, v, g, g, 1 - alpha, t)
            if centered:
                gbar = s["grad_avg"]._data
                _lerp(xp, gbar, g, 1 - alpha, t)
                avg = xp.multiply(gbar, -1, out=t)
                avg *= gbar
                avg += v
                xp.sqrt(avg, out=avg)
            else:
                avg = xp.sqrt(v, out=t)
            avg += eps
            if momentum > 0:
                buf = s["momentum_buffer"]._data
                buf *= momentum
                _addcdiv(xp, buf, g, avg, 1, t2)
                xp.multiply(buf, -lr, out=t2)
                p += t2
            else:
                _addcdiv(xp, p, g, avg, -lr, t2)
