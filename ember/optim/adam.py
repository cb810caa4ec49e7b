"""Adam (and AdamW's decoupled weight decay), with amsgrad and maximize.

Paper: Kingma & Ba, "Adam: A Method for Stochastic Optimization", https://arxiv.org/abs/1412.6980
"""
from __future__ import annotations

import math

from .optimizer import (
    Optimizer,
    Tensor,
    _check_fused,
    _check_lr,
    _scalar,
    _step_tensor,
    _zeros_like,
    array_module,
)

__all__ = ["Adam"]


def _check_adam(lr, eps, betas, weight_decay) -> None:
    """The validation shared by Adam, AdamW, Adamax, NAdam and RAdam (PyTorch's texts)."""
    _check_lr(lr)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adam(Optimizer):
    """m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)  (v: running max if amsgrad).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and "
                             "foreach=True")
        _check_adam(lr, eps, betas, weight_decay)
        b0, b1 = betas
        if not ((isinstance(b0, float) and isinstance(b1, float))
                or (isinstance(b0, Tensor) and isinstance(b1, Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")  # noqa: TRY004
        for i, b in enumerate(betas):
            if isinstance(b, Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for "
                                     "capturable=False and foreach=True")
                if b.numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() else b for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
            group.setdefault("decoupled_weight_decay", False)

    def _init_state(self, group, p):
        s = {"step": _step_tensor(), "exp_avg": _zeros_like(p._data),
             "exp_avg_sq": _zeros_like(p._data)}
        if group["amsgrad"]:
            s["max_exp_avg_sq"] = _zeros_like(p._data)
        return s

    def _update(self, group, params, grads, states):
        lr = _scalar(group["lr"])
        beta1, beta2 = (_scalar(b) for b in group["betas"])
        beta1_float = not isinstance(group["betas"][0], Tensor)
        wd = group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        amsgrad = group["amsgrad"]
        for p, g, s in zip(params, grads, states):
            step_a = s["step"]._data
            step_a += 1
            step = step_a.item()
            if beta1_float:
                step_size = lr / (1 - beta1 ** step)
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                weight1 = 1 - beta1
            else:  # 0-d tensor arithmetic, rounded as PyTorch rounds it
                step_size = (1 / (1 - _tensor_pow(beta1, step))) * lr
                bias_correction2_sqrt = _tensor_pow(1 - _tensor_pow(beta2, step), 0.5)
                weight1 = 1 - p.dtype.type(beta1)  # PyTorch moves beta1 to the param's dtype
            c = (group["maximize"], 1 - lr * wd if wd != 0 and decoupled else None,
                 wd if not decoupled else 0, weight1, beta2, bias_correction2_sqrt,
                 group["eps"], -step_size)
            arrays = [p, g, s["exp_avg"]._data, s["exp_avg_sq"]._data,
                      s["max_exp_avg_sq"]._data if amsgrad else None]
            _chunked(self, _adam_rule, arrays, c)


def _adam_rule(xp, p, g, m, v, vmax, t, t2, c) -> None:
    """Adam's update of one (chunk of a) parameter in place; `t`, `t2` are scratch."""
    maximize, decay, wd, weight1, beta2, bias_correction2_sqrt, eps, neg_step_size = c
    if maximize:
        g = -g
    if decay is not None:
        p *= decay
    elif wd != 0:
        g = g + wd * p
    _lerp(xp, m, g, weight1, t)
    v *= beta2
    _addcmul(xp, v, g, g, 1 - beta2, t)
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        v = vmax
    denom = xp.sqrt(v, out=t)
    denom /= bias_correction2_sqrt
    denom += eps
    _addcdiv(xp, p, m, denom, neg_step_size, t2)


_CHUNK = 1 << 15  # elements per chunk: the dozen passes of a rule stay in cache


def _chunked(opt, rule, arrays, c) -> None:
    """Run an elementwise `rule` over a parameter and its state arrays, chunk by chunk for large
    contiguous ones: each chunk's passes then hit cache instead of memory (a fused kernel's
    traffic). arrays = [param, grad, *state]; None entries pass through."""
    p = arrays[0]
    xp = array_module(p)
    t, t2 = opt._work(p), opt._work(p, 1)
    n = p.size
    state = arrays[:1] + arrays[2:]
    if n <= 2 * _CHUNK or not all(a is None or a.flags.c_contiguous for a in state):
        rule(xp, *arrays, t, t2, c)
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]  # the grad may be copied
    t, t2 = t.reshape(-1), t2.reshape(-1)
    for i in range(0, n, _CHUNK):
        j = i + _CHUNK
        rule(xp, *[None if a is None else a[i:j] for a in flat], t[i:j], t2[i:j], c)


def _tensor_pow(x, exponent):
    """x ** exponent for a NumPy scalar standing for a 0-d tensor: PyTorch's pow kernel takes
    exact squares, cubes and square roots for those exponents."""
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return x.dtype.type(math.sqrt(x))
    return x ** exponent


def _lerp(xp, a, b, w, t):
    """a <- a + w (b - a) in place (PyTorch's lerp for w < 0.5), `t` as scratch."""
    xp.subtract(b, a, out=t)
    t *= w
    a += t


def _addcmul(xp, a, x, y, value, t):
    """a <- a + value * x * y in place, PyTorch's addcmul order, `t` as scratch."""
    xp.multiply(x, value, out=t)
    t *= y
    a += t


def _addcdiv(xp, a, x, y, value, t):
    """a <- a + value * x / y in place, PyTorch's addcdiv order, `t` as scratch."""
    xp.multiply(x, value, out=t)
    t /= y
    a += t
