"""Rprop: sign-based steps whose per-coordinate sizes grow while the gradient keeps its sign.

Paper: Riedmiller & Braun, "A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP Algorithm", https://doi.org/10.1109/ICNN.1993.298623
"""
from __future__ import annotations

from .optimizer import (
    Optimizer,
    _check_lr,
    _new_tensor,
    _scalar,
    _step_tensor,
    _zeros_like,
    array_module,
)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """f = eta+ if g g_prev > 0, eta- if < 0, else 1;  s <- clamp(s f, step_sizes);
    g <- 0 where f = eta-;  p <- p - sign(g) s;  g_prev <- g.
    """

    _elementwise_rule = True

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False,
                 differentiable=False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        a = p._data
        return {"step": _step_tensor(), "prev": _zeros_like(a),
                "step_size": _new_tensor(array_module(a).full_like(a, _scalar(group["lr"])))}

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        etaminus, etaplus = h.etas
        prev = s["prev"]._data
        size = s["step_size"]._data
        f = xp.multiply(g, prev, out=self._work(p))
        xp.sign(f, out=f)
        up, down, same = f > 0, f < 0, f == 0
        f[up] = etaplus
        f[down] = etaminus
        f[same] = 1
        size *= f
        xp.clip(size, *h.step_sizes, out=size)
        g2 = self._work(p, 1)
        g2[...] = g
        g2[down] = 0
        prev[...] = g2
        xp.sign(g2, out=g2)
        g2 *= size
        p -= g2
