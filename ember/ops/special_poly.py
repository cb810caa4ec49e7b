"""The orthogonal polynomials of torch.special by their three-term recurrences (no gradient, as
PyTorch): Chebyshev T/U/V/W (and the shifted ones, x -> 2x - 1), Hermite H/He, Laguerre L and
Legendre P. Negative degrees give 0; fractional degrees are truncated."""
from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._output import _out
from .creation import _wrapped_scalar

__all__ = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
           "laguerre_polynomial_l", "legendre_polynomial_p", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w"]


def _chebyshev(first):
    """P_0 = 1, P_1 = first(x), P_{k+1} = 2x P_k - P_{k-1}."""
    return (lambda x: np.ones_like(x), first, lambda k, x, p, q: 2 * x * q - p)


# name -> (P_0, P_1, step(k, x, P_{k-1}, P_k) = P_{k+1})
_RECURRENCES = {
    "chebyshev_polynomial_t": _chebyshev(lambda x: x),
    "chebyshev_polynomial_u": _chebyshev(lambda x: 2 * x),
    "chebyshev_polynomial_v": _chebyshev(lambda x: 2 * x - 1),
    "chebyshev_polynomial_w": _chebyshev(lambda x: 2 * x + 1),
    "hermite_polynomial_h": (lambda x: np.ones_like(x), lambda x: 2 * x,
                             lambda k, x, p, q: 2 * x * q - 2 * k * p),
    "hermite_polynomial_he": (lambda x: np.ones_like(x), lambda x: x,
                              lambda k, x, p, q: x * q - k * p),
    "laguerre_polynomial_l": (lambda x: np.ones_like(x), lambda x: 1 - x,
                              lambda k, x, p, q: ((2 * k + 1 - x) * q - k * p) / (k + 1)),
    "legendre_polynomial_p": (lambda x: np.ones_like(x), lambda x: x,
                              lambda k, x, p, q: ((2 * k + 1) * x * q - k * p) / (k + 1)),
}


def _evaluate(name: str, x, n):
    xp = array_module(x)
    x, n = xp.broadcast_arrays(x, n)
    p0, p1, step = _RECURRENCES[name]
    n = xp.trunc(xp.where(xp.isfinite(n), n, -1)).astype(np.int64)
    p, q = p0(x), p1(x)
    out = xp.where(n == 0, p, xp.where(n == 1, q, 0 * x))
    top = int(n.max()) if n.size else 0
    for k in range(1, top):
        p, q = q, step(k, x, p, q)
        out = xp.where(n == k + 1, q, out)
    return out


def _make(name: str, shifted: bool = False):
    base = name.replace("shifted_", "")

    def fn(input, n, *, out=None):
        x_t = input if isinstance(input, _op.Tensor) else _wrapped_scalar(input)
        n_t = n if isinstance(n, _op.Tensor) else _wrapped_scalar(n)
        d = _dt.result_type(x_t, n_t)
        if not d.is_floating_point:
            d = _dt.get_default_dtype()
        x = x_t._data.astype(d.np_dtype)
        if shifted:
            x = 2 * x - 1
        y = _op._new_tensor(_evaluate(base, x, n_t._data).astype(d.np_dtype, copy=False))
        return y if out is None else _out(y, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.special.{name}(input, n): the degree-n polynomial at input."
    return fn


chebyshev_polynomial_t = _make("chebyshev_polynomial_t")
chebyshev_polynomial_u = _make("chebyshev_polynomial_u")
chebyshev_polynomial_v = _make("chebyshev_polynomial_v")
chebyshev_polynomial_w = _make("chebyshev_polynomial_w")
shifted_chebyshev_polynomial_t = _make("shifted_chebyshev_polynomial_t", True)
shifted_chebyshev_polynomial_u = _make("shifted_chebyshev_polynomial_u", True)
shifted_chebyshev_polynomial_v = _make("shifted_chebyshev_polynomial_v", True)
shifted_chebyshev_polynomial_w = _make("shifted_chebyshev_polynomial_w", True)
hermite_polynomial_h = _make("hermite_polynomial_h")
hermite_polynomial_he = _make("hermite_polynomial_he")
laguerre_polynomial_l = _make("laguerre_polynomial_l")
legendre_polynomial_p = _make("legendre_polynomial_p")
