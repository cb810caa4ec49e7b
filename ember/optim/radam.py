"""RAdam: Adam with the variance of the adaptive learning rate rectified in early steps.

Paper: Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", https://arxiv.org/abs/1908.03265
"""
from __future__ import annotations

from ._inplace import _addcmul, _lerp
from .optimizer import Optimizer, _check_hyper, _new_state, array_module

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """rho_t = rho_inf - 2 t b2^t / (1 - b2^t);  m_hat = m / (1 - b1^t);
    p <- p - lr m_hat r_t sqrt(1 - b2^t) / (sqrt(v) + eps) if rho_t > 5, else p - lr m_hat.
    """

    _elementwise_rule = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False) -> None:
        _check_hyper(lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return _new_state(p, "exp_avg", "exp_avg_sq")

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        beta1, beta2 = h.betas
        rho_inf = 2 / (1 - beta2) - 1
        step = s["step"]._data.item()
        m = s["exp_avg"]._data
        v = s["exp_avg_sq"]._data
        t = self._work(p)
        _lerp(xp, m, g, 1 - beta1, t)
        v *= beta2
        _addcmul(xp, v, g, g, 1 - beta2, t)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        update = xp.divide(m, bias_correction1, out=t)
        update *= h.lr
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = xp.sqrt(v, out=self._work(p, 1))
            adaptive += h.eps
            xp.divide(bias_correction2 ** 0.5, adaptive, out=adaptive)
            update *= adaptive
            update *= rect
        p -= update
