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
    _elementwise_rule = True
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

    def _flat_state(self, group):
        return group["momentum"] != 0  # without momentum there is no state to keep flat

    def _init_state(self, group, p):
        return {"momentum_buffer": None} if group["momentum"] != 0 else None

    def _rule(self, h, p, g, s):
        momentum = h.momentum
        if momentum != 0:
            buf_t = s["momentum_buffer"]
            if buf_t is None:
                buf = array_module(p).array(g)  # a copy; an array even when g is 0-d
                s["momentum_buffer"] = _new_tensor(buf)
            elif (p.size >= _SCRATCH_FROM and p.flags.c_contiguous
                  and buf_t._data.flags.c_contiguous):
                _chunked_momentum(self, p, g, buf_t._data, h)
                return
            else:
                buf = buf_t._data
                buf *= momentum
                buf += g if h.dampening == 0 else (1 - h.dampening) * g
            g = g + momentum * buf if h.nesterov else buf
        p -= h.lr * g


_SCRATCH_FROM = 1 << 19  # past L2 (2 MB of float32): chunks with a small reused scratch, no
_CHUNK = 1 << 17  # allocation or page faults per step (-20% there); below, whole arrays are
# faster (a 200K-element weight in cache), and 32K-element chunks cost 10%


def _chunked_momentum(opt, p, g, buf, h) -> None:
    """`_momentum_rule` over a large contiguous parameter in chunks, with a chunk-sized scratch."""
    xp = array_module(p)
    flat_p, flat_g, flat_b = p.reshape(-1), g.reshape(-1), buf.reshape(-1)
    t = opt._work(flat_p[:_CHUNK])
    for i in range(0, flat_p.size, _CHUNK):
        j = i + _CHUNK
        _momentum_rule(xp, flat_p[i:j], flat_g[i:j], flat_b[i:j], t[:flat_p[i:j].size], h)


def _momentum_rule(xp, p, g, buf, t, h) -> None:
    """The momentum step of (a chunk of) a parameter in place, rounded as `_rule`; `t` is
    scratch."""
    buf *= h.momentum
    if h.dampening == 0:
        buf += g
    else:
        buf += xp.multiply(g, 1 - h.dampening, out=t)
    if h.nesterov:  # g + m b
        g = xp.add(g, xp.multiply(buf, h.momentum, out=t), out=t)
    else:
        g = buf
    xp.multiply(g, h.lr, out=t)
    p -= t
