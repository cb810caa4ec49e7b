"""In-place array steps the update rules share, each in PyTorch's operation order (so results
round as PyTorch's lerp_/addcmul_/addcdiv_ do), with a caller's scratch array `t`: no allocation.
"""
from __future__ import annotations


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
