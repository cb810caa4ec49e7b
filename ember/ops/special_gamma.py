"""Array kernels of the gamma family (float64 in, float64 out): lgamma, digamma, trigamma,
Hurwitz zeta and the regularized incomplete gamma functions.

Classic algorithms, vectorised: Stirling's series after the upward recurrence, reflection for
x < 0 (lgamma, digamma), Cephes' Euler-Maclaurin zeta (the one PyTorch ships), the power series
and Legendre's continued fraction (modified Lentz) for P(a, x) and Q(a, x).
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# B_2k / (2k (2k - 1)): Stirling's series of lgamma in 1/z
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156,
             -3617 / 122400)
# B_2k / 2k: the asymptotic series of digamma in 1/z^2
_PSI = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
# Cephes zeta's Euler-Maclaurin denominators (2k)! / B_2k
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042e-16
_EULER = 0.57721566490153286061


def _series(c, w):
    r = c[-1]
    for a in c[-2::-1]:
        r = r * w + a
    return r


def _sinpi_abs(x):
    """|sin(pi x)| with the argument reduced first (exact zeros at the integers)."""
    xp = array_module(x)
    r = x - xp.round(x)
    return xp.abs(xp.sin(math.pi * r))


def _stirling(xp, z):
    return (z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI + _series(_STIRLING, 1 / (z * z)) / z


def _lgamma_small(xp, y):
    """log Gamma(y) for 0.5 <= y < 15: the Taylor series of lgamma(2 + t), |t| <= 0.5, after
    Gamma(y) = (y - 1) Gamma(y - 1) steps down (exact zeros at 1 and 2)."""
    n = xp.maximum(xp.floor(y - 1.5), 0)
    acc = xp.ones_like(y)
    for k in range(1, int(n.max()) + 1 if n.size else 0):
        acc = acc * xp.where(k <= n, y - k, 1.0)
    y = y - n
    low = y < 1.5  # lgamma(y) = lgamma(y + 1) - log(y)
    t = xp.where(low, y - 1, y - 2)
    r = _series(_LG2, t) * t * t + (1 - _EULER) * t
    return r + xp.log(acc) - xp.where(low, xp.log1p(t), 0.0)


def _split(xp, z, mask, f_true, f_false):
    """f_true(z[mask]) and f_false(z[~mask]) assembled (each kernel sees only its elements)."""
    out = xp.empty_like(z)
    if mask.any():
        out[mask] = f_true(z[mask])
    rest = ~mask
    if rest.any():
        out[rest] = f_false(z[rest])
    return out


def _lgamma_positive(z):
    """log Gamma(z) for finite z >= 0.5: Stirling's series at z >= 15."""
    xp = array_module(z)
    return _split(xp, z, z >= 15, lambda v: _stirling(xp, v), lambda v: _lgamma_small(xp, v))


def lgamma(x):
    """log|Gamma(x)|, with the reflection formula below 0.5."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    finite = xp.where(xp.isfinite(x), x, 20.0)

    def reflected(v):
        return xp.log(math.pi / _sinpi_abs(v)) - _lgamma_positive(1 - v)

    out = _split(xp, finite, finite < 0.5, reflected, _lgamma_positive)
    return xp.where(xp.isinf(x), np.inf, xp.where(xp.isnan(x), np.nan, out))


def _digamma_positive(xp, z):
    """psi(z), z > 0: psi(z) = psi(z + 1) - 1/z up to 12, then the asymptotic series."""
    acc = xp.zeros_like(z)
    steps = int(max(0.0, 12 - float(z.min())) + 1) if z.size else 0
    for _ in range(steps):
        small = z < 12
        acc = xp.where(small, acc - 1 / z, acc)
        z = xp.where(small, z + 1, z)
    w = 1 / (z * z)
    return xp.log(z) - 0.5 / z - w * _series(_PSI, w) + acc


def digamma(x):
    """psi(x), with the reflection formula for x < 0 (NaN at the poles, -inf/+inf at +0/-0)."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    finite = xp.where(xp.isfinite(x) & (x != 0), x, 20.0)

    def reflected(v):
        r = v - xp.round(v)
        psi = _digamma_positive(xp, 1 - v) - math.pi / xp.tan(math.pi * r)
        return xp.where(r == 0, np.nan, psi)

    out = _split(xp, finite, finite < 0, reflected, lambda v: _digamma_positive(xp, v))
    out = xp.where(x == 0, xp.copysign(np.inf, -x), out)
    return xp.where(x == np.inf, np.inf, xp.where(x == -np.inf, np.nan, out))


def trigamma(x):
    """psi'(x) by PyTorch's recipe: reflection below 0.5, six recurrence steps, a short series."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    low = x < 0.5
    s = xp.sin(math.pi * x)
    result = xp.where(low, -(math.pi * math.pi) / (s * s), 0.0)
    sign = xp.where(low, -1.0, 1.0)
    x = xp.where(low, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (x * x)
        x = x + 1
    ixx = 1 / (x * x)
    result = result + (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x
    return sign * result


def zeta(x, q):
    """Hurwitz zeta(x, q) = sum_k (k + q)^-x, Cephes' Euler-Maclaurin summation (as PyTorch)."""
    xp = array_module(x)
    x, q = xp.broadcast_arrays(xp.asarray(x, dtype=np.float64), xp.asarray(q, dtype=np.float64))
    qs = xp.where(xp.isfinite(q), q, 1.0)
    s = xp.power(qs, -x)
    a = qs.copy()
    done = xp.zeros(x.shape, dtype=bool)
    b = xp.zeros_like(s)
    n = 9 + int(max(0.0, 9 - float(qs.min()))) + 1 if qs.size else 0
    for i in range(n):
        go = ~done & ((i < 9) | (a <= 9))
        if not go.any():
            break
        a = xp.where(go, a + 1, a)
        bn = xp.power(a, -x)
        b = xp.where(go, bn, b)
        s = xp.where(go, s + bn, s)
        done = done | (go & (-_MACHEP * s < bn) & (bn < _MACHEP * s))
        done = done | ~go
    summed = ~((-_MACHEP * s < b) & (b < _MACHEP * s)) | (s == 0)
    w = a
    em = s + b * w / (x - 1) - 0.5 * b
    fin = ~summed
    aa = xp.ones_like(s)
    k = 0.0
    for c in _ZETA_A:
        aa = aa * (x + k)
        b = b / w
        t = aa * b / c
        em = xp.where(fin, em, em + t)
        fin = fin | (xp.abs(t / em) < _MACHEP)
        k += 1
        aa = aa * (x + k)
        b = b / w
        k += 1
    out = xp.where(summed, em, s)
    pole = (q <= 0) & (q == xp.floor(q))
    out = xp.where((q <= 0) & (x != xp.floor(x)), np.nan, out)
    out = xp.where(pole, np.inf, out)
    out = xp.where(x < 1, np.nan, xp.where(x == 1, np.inf, out))
    out = xp.where(q == np.inf, 0.0, out)
    return xp.where(xp.isnan(x) | xp.isnan(q), np.nan, out)


def _log_prefactor(xp, a, x):
    """log(x^a e^-x / Gamma(a)), the common factor of P and Q."""
    return a * xp.log(x) - x - lgamma(a)


def _p_series(xp, a, x):
    """P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1)...(a + n))."""
    term = xp.ones_like(x)
    total = xp.ones_like(x)
    ap = a.copy()
    for _ in range(30000):
        ap = ap + 1
        term = term * x / ap
        total = total + term
        if not xp.any(xp.abs(term) > _MACHEP * xp.abs(total)):
            break
    return xp.exp(_log_prefactor(xp, a, x)) * total / a


def _q_fraction(xp, a, x):
    """Q(a, x) by Legendre's continued fraction, evaluated with the modified Lentz method."""
    tiny = 1e-300
    b = x + 1 - a
    c = xp.full_like(x, 1 / tiny)
    d = 1 / xp.where(b == 0, tiny, b)
    h = d.copy()
    for i in range(1, 30000):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = 1 / xp.where(xp.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = xp.where(xp.abs(c) < tiny, tiny, c)
        delta = d * c
        h = h * delta
        if not xp.any(xp.abs(delta - 1) > _MACHEP):
            break
    return xp.exp(_log_prefactor(xp, a, x)) * h


def gammainc(a, x, upper: bool):
    """The regularized lower P(a, x) (upper=False) or upper Q(a, x) incomplete gamma function."""
    xp = array_module(a)
    a, x = xp.broadcast_arrays(xp.asarray(a, dtype=np.float64), xp.asarray(x, dtype=np.float64))
    ok = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    aa, xx = xp.where(ok, a, 1.0), xp.where(ok, x, 1.0)
    use_series = xx < aa + 1
    p = _p_series(xp, xp.where(use_series, aa, 1.0), xp.where(use_series, xx, 0.5))
    q = _q_fraction(xp, xp.where(use_series, 1.0, aa), xp.where(use_series, 3.0, xx))
    if upper:
        out = xp.where(use_series, 1 - p, q)
        edge = xp.where(xp.isinf(x), 0.0, xp.where(xp.isinf(a), 1.0, xp.where(x == 0, 1.0, 0.0)))
    else:
        out = xp.where(use_series, p, 1 - q)
        edge = xp.where(xp.isinf(x), 1.0, xp.where(xp.isinf(a), 0.0, xp.where(x == 0, 0.0, 1.0)))
    edge = xp.where(xp.isinf(a) & xp.isinf(x), np.nan, edge)
    edge = xp.where((a == 0) & (x == 0), np.nan, edge)
    edge = xp.where((a < 0) | (x < 0) | xp.isnan(a) | xp.isnan(x), np.nan, edge)
    return xp.where(ok, out, edge)


# (-1)^k (zeta(k) - 1) / k, k = 2..31: lgamma(2 + t) = (1 - euler) t + t^2 sum_k c_k t^(k - 2)
_LG2 = tuple(float((-1) ** k * zeta(np.float64(k), np.float64(2.0)) / k) for k in range(2, 32))
