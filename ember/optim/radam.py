"""RAdam: Adam with the variance of the adaptive learning rate rectified in early steps.

Paper: Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", https://arxiv.org/abs/1908.03265
"""
from __future__ import annotations

from .adam import _addcmul, _check_adam, _lerp
from .optimizer import Optimizer, _scalar, _step_tensor, _zeros_like, array_module

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """rho_t = rho_inf - 2 t b2^t / (1 - b2^t);  m_hat = m / (1 - b1^t);
    p <- p - lr m_hat r_t sqrt(1 - b2^t) / (sqrt(v) + eps) if rho_t > 5, else p - lr m_hat.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False) -> None:
        _check_adam(lr, eps, betas, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "exp_avg": _zeros_like(p._data),
                "exp_avg_sq": _zeros_like(p._data)}

    def _update(self, group, params, grads, states):
        lr = _scalar(group["lr"])
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        wd = group["weight_decay"]
        maximize = group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        rho_inf = 2 / (1 - beta2) - 1
        for p, g, s in zip(params, grads, states):
            xp = array_module(p)
            if maximize:
                g = -g
            step_a = s["step"]._data
            step_a += 1
            step = step_a.item()
            if wd != 0:
                if decoupled:
                    p *= 1 - lr * wd
                else:
                    g = g + wd * p
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
            update *= lr
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                adaptive = xp.sqrt(v, out=self._work(p, 1))
                adaptive += eps
                xp.divide(bias_correction2 ** 0.5, adaptive, out=adaptive)
                update *= adaptive
                update *= rect
            p -= update
