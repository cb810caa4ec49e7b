"""SGD with momentum, dampening, Nesterov momentum, weight decay and maximize."""
from __future__ import annotations

from typing import ClassVar

from .optimizer import Optimizer, _check_fused, _check_lr, _new_tensor, array_module

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's formulation.

    g <- g + wd p;  b <- m b + (1 - dampening) g (b_1 = g);  g <- g + m b (nesterov) or b;
    p <- p - lr g.
    """

    _counts_steps = False
    _group_fallbacks: ClassVar[dict] = {
        "nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
        "fused": False}

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)

    def _init_state(self, group, p):
        return {"momentum_buffer": None} if group["momentum"] != 0 else None

    def _rule(self, h, p, g, s):
        momentum = h.momentum
        if momentum != 0:
            buf_t = s["momentum_buffer"]
            if buf_t is None:
                buf = array_module(p).array(g)  # a copy; an array even when g is 0-d
                s["momentum_buffer"] = _new_tensor(buf)
            else:
                buf = buf_t._data
                buf *= momentum
                buf += g if h.dampening == 0 else (1 - h.dampening) * g
            g = g + momentum * buf if h.nesterov else buf
        p -= h.lr * g
