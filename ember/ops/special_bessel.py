"""Array kernels of the modified Bessel functions I0 and I1 (float64 in, float64 out).

|x| <= 30: the power series sum (x^2/4)^k / (k! (k + nu)!) (positive terms, no cancellation);
|x| > 30: Hankel's asymptotic expansion e^x / sqrt(2 pi x) * sum_k a_k(nu) / x^k.
The exponentially scaled forms (i0e, i1e) multiply the series by e^-|x| and drop e^x from the tail.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module

_SWITCH = 30.0


def _series(xp, ax, nu: int):
    """sum_k (x^2/4)^k / (k! (k + nu)!) * (x/2)^nu for |x| <= _SWITCH (76 terms reach 1e-17)."""
    q = ax * ax / 4
    term = xp.full_like(ax, 1.0 / math.factorial(nu))
    total = term.copy()
    for k in range(1, 76):
        term = term * q / (k * (k + nu))
        total = total + term
    return total * (ax / 2) ** nu


def _hankel(xp, ax, nu: int):
    """sqrt(2 pi x) e^-x I_nu(x) for large x: sum_k (-1)^k prod_j (4nu^2 - (2j-1)^2) / (k! (8x)^k)."""
    mu = 4.0 * nu * nu
    term = xp.ones_like(ax)
    total = term.copy()
    for k in range(1, 30):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8 * ax)
        total = total + term
    return total / xp.sqrt(2 * math.pi * ax)


def bessel_i(x, nu: int, scaled: bool):
    """I_nu(x) for nu in (0, 1), or e^-|x| I_nu(x) when `scaled`."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    ax = xp.abs(x)
    small = ax <= _SWITCH
    s = _series(xp, xp.where(small, ax, 1.0), nu)
    big = xp.where(small, 2 * _SWITCH, ax)
    h = _hankel(xp, big, nu)
    if scaled:
        out = xp.where(small, s * xp.exp(-ax), h)
    else:
        out = xp.where(small, s, h * xp.exp(big))  # e^x overflows to inf past 709, as I_nu does
    out = xp.where(ax == np.inf, 0.0 if scaled else np.nan, out)  # PyTorch's I(inf) is NaN
    return xp.copysign(out, x) if nu == 1 else out


_EULER = 0.57721566490153286061


def _k01_small(xp, x):
    """K0, K1 for 0 < x <= 2 from their series in I0/I1 and the harmonic numbers."""
    q = x * x / 4
    lg = xp.log(x / 2)
    t0 = xp.ones_like(x)  # (x^2/4)^k / (k!)^2
    t1 = xp.ones_like(x)  # (x^2/4)^k / (k! (k+1)!)
    s0 = xp.zeros_like(x)  # sum t0 * H_k
    s1 = -_EULER * 2 + 1 + xp.zeros_like(x)  # sum t1 * (psi(k+1) + psi(k+2)), k = 0 term
    h = 0.0
    for k in range(1, 30):
        t0 = t0 * q / (k * k)
        t1 = t1 * q / (k * (k + 1))
        h_next = h + 1 / k
        s0 = s0 + t0 * h_next
        s1 = s1 + t1 * (2 * h_next + 1 / (k + 1) - 2 * _EULER)
        h = h_next
    k0 = -(lg + _EULER) * bessel_i(x, 0, False) + s0
    k1 = 1 / x + lg * bessel_i(x, 1, False) - x / 4 * s1
    return k0, k1


def _k01_scaled_large(xp, x, mu: float = 0.0):
    """e^x K_mu(x), e^x K_(mu+1)(x) for x >= 2, |mu| <= 1/2, by Steed's continued fraction
    (Temme's CF2)."""
    a1 = 0.25 - mu * mu
    b = 2 * (1 + x)
    d = 1 / b
    h = d.copy()
    delh = d.copy()
    q1, q2 = xp.zeros_like(x), xp.ones_like(x)
    q = xp.full_like(x, a1)
    c = a1
    a = -a1
    s = 1 + q * delh
    for i in range(2, 200):
        a -= 2 * (i - 1)
        c = -a * c / i
        qnew = (q1 - b * q2) / a
        q1, q2 = q2, qnew
        q = q + c * qnew
        b = b + 2
        d = 1 / (b + a * d)
        delh = (b * d - 1) * delh
        h = h + delh
        dels = q * delh
        s = s + dels
        if not xp.any(xp.abs(dels / s) > 1e-17):
            break
    k0 = xp.sqrt(math.pi / (2 * x)) / s
    k1 = k0 * (mu + x + 0.5 - a1 * h) / x
    return k0, k1


def bessel_k(x, nu: int, scaled: bool):
    """K_nu(x) for nu in (0, 1), or e^x K_nu(x) when `scaled` (NaN for x < 0, inf at 0)."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    small = x <= 2
    k_small = _k01_small(xp, xp.where(small & (x > 0), x, 1.0))[nu]
    huge = x > 1e6  # two terms of Hankel's expansion are exact to double precision there
    k_large = _k01_scaled_large(xp, xp.where(small | huge | ~xp.isfinite(x), 3.0, x))[nu]
    xh = xp.where(huge, x, 1e6)
    k_large = xp.where(huge, xp.sqrt(math.pi / (2 * xh)) * (1 + (4 * nu * nu - 1) / (8 * xh)),
                       k_large)
    if scaled:
        out = xp.where(small, k_small * xp.exp(xp.where(small, x, 0.0)), k_large)
    else:
        out = xp.where(small, k_small, k_large * xp.exp(-xp.where(small, 0.0, x)))
    out = xp.where(x == np.inf, 0.0, out)
    out = xp.where(x == 0, np.inf, out)
    return xp.where((x < 0) | xp.isnan(x), np.nan, out)


def _hankel_pq(xp, x, nu: int):
    """Hankel's P and Q of J_nu/Y_nu for large x (terms a_k = prod (4nu^2-(2j-1)^2) / k! 8^k)."""
    mu = 4.0 * nu * nu
    p, q = xp.ones_like(x), xp.zeros_like(x)
    term = xp.ones_like(x)
    for k in range(1, 40):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        if k % 2:
            q = q + (term if k % 4 == 1 else -term)
        else:
            p = p + (term if k % 4 == 0 else -term)
    return p, q


def _miller(xp, x):
    """J_0..J_N(x) for 0 < x <= 25 by Miller's backward recurrence normalised with
    J_0 + 2 sum J_2k = 1 (stable and accurate for the low orders)."""
    top = 90
    js = [None] * (top + 2)
    js[top + 1] = xp.zeros_like(x)
    js[top] = xp.full_like(x, 1e-30)
    for k in range(top, 0, -1):
        js[k - 1] = 2 * k / x * js[k] - js[k + 1]
        big = xp.abs(js[k - 1]) > 1e250
        if xp.any(big):
            for j in range(k - 1, top + 2):
                js[j] = xp.where(big, js[j] * 1e-250, js[j])
    norm = js[0] + 2 * sum(js[2:top + 1:2])
    return [j / norm for j in js[:top]]


_J_SWITCH = 25.0


def bessel_jy(x, nu: int, kind: str):
    """The Bessel functions of the first ('j') and second ('y') kind, orders 0 and 1."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    ax = xp.abs(x)
    small = ax <= _J_SWITCH
    xs = xp.where(small & (ax > 0), ax, 1.0)
    js = _miller(xp, xs)
    xl = xp.where(small | ~xp.isfinite(ax), 2 * _J_SWITCH, ax)
    p, qq = _hankel_pq(xp, xl, nu)
    chi = xl - (nu / 2 + 0.25) * math.pi
    amp = xp.sqrt(2 / (math.pi * xl))
    if kind == "j":
        near = js[nu]
        far = amp * (p * xp.cos(chi) - qq * xp.sin(chi))
        out = xp.where(small, near, far)
        if nu == 1:  # J1 is odd
            out = xp.where(x < 0, -out, out)
        out = xp.where(x == 0, 1.0 if nu == 0 else 0.0, out)
        return xp.where(xp.isinf(x) | xp.isnan(x), np.nan, out)
    lg = xp.log(xs / 2) + _EULER
    if nu == 0:
        near = 2 / math.pi * lg * js[0] - 4 / math.pi * sum(
            (-1) ** k * js[2 * k] / k for k in range(1, 44))
    else:
        near = -2 / math.pi * js[0] / xs + 2 / math.pi * lg * js[1] + 2 / math.pi * sum(
            (-1) ** k * (js[2 * k - 1] - js[2 * k + 1]) / k for k in range(1, 44))
    far = amp * (p * xp.sin(chi) + qq * xp.cos(chi))
    out = xp.where(small, near, far)
    out = xp.where(x == 0, -np.inf, out)
    return xp.where((x < 0) | xp.isnan(x) | (x == np.inf), np.nan, out)


_AI0, _AIP0 = 0.355028053887817239, 0.258819403792806798  # Ai(0), -Ai'(0)


def airy_ai(x):
    """Ai(x): its Maclaurin series on [-8, 2.08], Ai(x) = sqrt(x/3) K_1/3(zeta) / pi beyond
    (zeta = 2/3 x^1.5, K by the continued fraction), Hankel's expansion below -8."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=np.float64)
    mid = (x >= -8) & (x <= 2.08)
    z = xp.where(mid, x, 0.0)
    z3 = z * z * z
    f, g = xp.ones_like(z), z.copy()
    tf, tg = xp.ones_like(z), z.copy()
    for k in range(1, 40):
        tf = tf * z3 / ((3 * k - 1) * (3 * k))
        tg = tg * z3 / ((3 * k) * (3 * k + 1))
        f, g = f + tf, g + tg
    series = _AI0 * f - _AIP0 * g
    xr = xp.where((x > 2.08) & (x < 105), x, 4.0)  # Ai underflows to 0 past 105
    zr = 2 / 3 * xr ** 1.5
    right = xp.sqrt(xr / 3) / math.pi * _k01_scaled_large(xp, zr, 1 / 3)[0] * xp.exp(-zr)
    xl = xp.where(x < -8, -x, 16.0)
    zl = 2 / 3 * xl ** 1.5
    p, q = xp.ones_like(zl), xp.zeros_like(zl)
    u = 1.0
    for k in range(1, 30):
        u = u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        term = u / zl ** k
        if k % 2:
            q = q + (term if k % 4 == 1 else -term)
        else:
            p = p + (term if k % 4 == 0 else -term)
    ph = zl + math.pi / 4
    left = (xp.sin(ph) * p - xp.cos(ph) * q) / (math.sqrt(math.pi) * xl ** 0.25)
    right = xp.where(x >= 105, 0.0, right)
    out = xp.where(mid, series, xp.where(x > 2.08, right, left))
    return xp.where(xp.isinf(x) | xp.isnan(x), np.nan, out)
