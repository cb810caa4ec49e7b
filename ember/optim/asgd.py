"""ASGD: averaged stochastic gradient descent (Polyak-Ruppert averaging after t0 steps).

Paper: Polyak & Juditsky, "Acceleration of Stochastic Approximation by Averaging", https://doi.org/10.1137/0330046
"""
from __future__ import annotations

from .._dtype import get_default_dtype
from .optimizer import Optimizer, _check_hyper, _scalar, _step_tensor, _zeros_like, array_module

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """p <- p (1 - lambd eta) - eta g;  ax <- ax + mu (p - ax);
    eta <- lr / (1 + lambd lr t)^alpha;  mu <- 1 / max(1, t - t0).
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False) -> None:
        _check_hyper(lr, weight_decay=weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, group, p):
        return {"step": _step_tensor(), "eta": _step_tensor(_scalar(group["lr"])),
                "mu": _step_tensor(1.0), "ax": _zeros_like(p._data)}

    def _rule(self, h, p, g, s):
        xp = array_module(p)
        lr, lambd = h.lr, h.lambd
        eta_a = s["eta"]._data
        mu_a = s["mu"]._data
        eta = eta_a.item()
        t = self._work(p)
        p *= 1 - lambd * eta
        xp.multiply(g, -eta, out=t)
        p += t
        ax = s["ax"]._data
        if mu_a.item() != 1:
            xp.subtract(p, ax, out=t)
            t *= mu_a
            ax += t
        else:
            ax[...] = p
        step = s["step"]._data.item()
        # torch.as_tensor(float) rounds to the default dtype before the copy into the state
        default = get_default_dtype().np_dtype.type
        eta_a[...] = default(lr / ((1 + lambd * lr * step) ** h.alpha))
        mu_a[...] = default(1 / max(1, step - h.t0))
