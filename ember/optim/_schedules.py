"""Learning-rate schedules as pure functions of the step (MLX-style), shared by lr_scheduler.

Each ``*_lr`` function is PyTorch's closed form (what ``step(epoch)`` uses); each ``*_factor``
function is the ratio PyTorch's chainable ``get_lr`` multiplies the current ``group['lr']`` by.
The arithmetic is written in PyTorch's exact operation order, so both give bit-identical floats.
"""
from __future__ import annotations

import math
from bisect import bisect_right

__all__: list = []


# ---- closed forms: lr at step `epoch` from the base lr -------------------------------------------

def step_lr(base_lr, epoch, step_size, gamma):
    """StepLR: decay by gamma every step_size steps."""
    return base_lr * gamma ** (epoch // step_size)


def multistep_lr(base_lr, epoch, milestones, gamma):
    """MultiStepLR: decay by gamma at each milestone passed (milestones sorted, repeats count)."""
    return base_lr * gamma ** bisect_right(milestones, epoch)


def constant_lr(base_lr, epoch, factor, total_iters):
    """ConstantLR: base_lr * factor until total_iters, then base_lr."""
    return base_lr * (factor + (epoch >= total_iters) * (1 - factor))


def linear_lr(base_lr, epoch, start_factor, end_factor, total_iters):
    """LinearLR: factor moves linearly from start_factor to end_factor over total_iters."""
    return base_lr * (
        start_factor + (end_factor - start_factor) * min(total_iters, epoch) / total_iters
    )


def exponential_lr(base_lr, epoch, gamma):
    """ExponentialLR: base_lr * gamma ** epoch."""
    return base_lr * gamma**epoch


def polynomial_lr(base_lr, epoch, total_iters, power):
    """PolynomialLR: base_lr * (1 - t / total_iters) ** power, held at 0 after total_iters."""
    return base_lr * (1.0 - min(total_iters, epoch) / total_iters) ** power


def cosine_lr(base_lr, t, period, eta_min):
    """Half-cosine from base_lr (t=0) to eta_min (t=period); SGDR uses it with T_cur, T_i."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / period)) / 2


def annealing_cos(start, end, pct):
    """Cosine interpolation from start (pct=0) to end (pct=1), as OneCycleLR."""
    cos_out = math.cos(math.pi * pct) + 1
    return end + (start - end) / 2.0 * cos_out


def annealing_linear(start, end, pct):
    """Linear interpolation from start (pct=0) to end (pct=1), as OneCycleLR."""
    return (end - start) * pct + start


def cyclic_position(epoch, total_size, step_ratio):
    """CyclicLR: (cycle number, height in [0, 1] within the cycle's triangle) at step epoch."""
    cycle = math.floor(1 + epoch / total_size)
    x = 1.0 + epoch / total_size - cycle
    if x <= step_ratio:
        return cycle, x / step_ratio
    return cycle, (x - 1) / (step_ratio - 1)


def warm_restart_position(epoch, T_0, T_mult):
    """SGDR: (T_cur, T_i) at a possibly fractional epoch, PyTorch's closed form for step(epoch)."""
    if epoch < T_0:
        return epoch, T_0
    if T_mult == 1:
        return epoch % T_0, T_0
    n = int(math.log((epoch / T_0 * (T_mult - 1) + 1), T_mult))
    return epoch - T_0 * (T_mult**n - 1) / (T_mult - 1), T_0 * T_mult ** (n)


# ---- chainable ratios: lr_t = lr_{t-1} * factor(t) -----------------------------------------------

def linear_factor(epoch, start_factor, end_factor, total_iters):
    """LinearLR's ratio of step epoch to step epoch - 1 (1 <= epoch <= total_iters)."""
    return 1.0 + (end_factor - start_factor) / (
        total_iters * start_factor + (epoch - 1) * (end_factor - start_factor)
    )


def polynomial_factor(epoch, total_iters, power):
    """PolynomialLR's ratio of step epoch to step epoch - 1 (1 <= epoch <= total_iters)."""
    return ((1.0 - epoch / total_iters) / (1.0 - (epoch - 1) / total_iters)) ** power


def cosine_recurrence(lr, base_lr, epoch, T_max, eta_min):
    """CosineAnnealingLR's chainable step from lr (the lr at epoch - 1) to the lr at epoch."""
    if (epoch - 1 - T_max) % (2 * T_max) == 0:
        return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    return (
        (1 + math.cos(math.pi * epoch / T_max))
        / (1 + math.cos(math.pi * (epoch - 1) / T_max))
        * (lr - eta_min)
        + eta_min
    )


# ---- CyclicLR amplitude scalings -----------------------------------------------------------------

def triangular_scale(x):
    """Constant amplitude."""
    return 1.0


def triangular2_scale(x):
    """Amplitude halves each cycle."""
    return 1 / (2.0 ** (x - 1))


def exp_range_scale(gamma, x):
    """Amplitude gamma ** iterations."""
    return gamma**x
