"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule (mu_t).

Paper: Dozat, "Incorporating Nesterov Momentum into Adam", https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ
"""
from __future__ import annotations

from ._inplace import _addcdiv, _addcmul, _lerp
from .optimizer import Optimizer, _check_hyper, _step_tensor, _zeros_like, array_module

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """mu_t = b1 (1 - 0.5 * 0.96^(t psi));  m, v as Adam;
    p <- p - lr (1 - mu_t) / (1 - prod mu) g / d - lr mu_{t+1} / (1 - prod mu * mu_{t+1}) m / d,
    d = sqrt(v / (1 - b2^t)) + eps.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False) -> None:
        _check_hyper(lr, eps=eps, betas=betas, weight_decay=weight_decay,
                     momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "mu_product": _step_tensor(1.0),
                "exp_avg": _zeros_like(p._data), "exp_avg_sq": _zeros_like(p._data)}

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        lr, psi = h.lr, h.momentum_decay
        beta1, beta2 = h.betas
        step = s["step"]._data.item()
        bias_correction2 = 1 - beta2 ** step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        mu_product_a = s["mu_product"]._data
        mu_product_a *= mu
        mu_product = mu_product_a.item()
        m = s["exp_avg"]._data
        v = s["exp_avg_sq"]._data
        t = self._work(p)
        t2 = self._work(p, 1)
        _lerp(xp, m, g, 1 - beta1, t)
        v *= beta2
        _addcmul(xp, v, g, g, 1 - beta2, t)
        denom = xp.divide(v, bias_correction2, out=t)
        xp.sqrt(denom, out=denom)
        denom += h.eps
        _addcdiv(xp, p, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product), t2)
        _addcdiv(xp, p, m, denom, (-lr * mu_next) / (1.0 - mu_product * mu_next), t2)
