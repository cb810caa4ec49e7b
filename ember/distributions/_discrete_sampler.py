"""Poisson and binomial sampling with torch's CPU draws (torch.poisson / torch.binomial).

Both run per element, in C order, on the generator's double uniforms, as torch's serial kernels:
Poisson by multiplying uniforms below 10 and by Hörmann's transformed rejection (PTRS) from 10 on;
binomial by geometric-gap inversion below n p = 10 and by BTRS from there, on the smaller tail.
Paper: https://doi.org/10.1016/0167-6687(93)90997-4 (Hörmann, 1993: PTRS).
Paper: https://epub.wu.ac.at/1242/ (Hörmann, 1992: BTRS).
"""
from __future__ import annotations

import math

import numpy as np

import ember
from ember.distributions._gamma_sampler import _Stream
from ember.random import default_generator

# log(k!) - Stirling's approximation of it, for k < 10 (BTRS' table); above, its series.
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _poisson_one(s: _Stream, lam: float) -> float:
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = s.uniform() - 0.5
            v = s.uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam, x, prod = math.exp(-lam), 0, 1.0
    while True:
        prod *= s.uniform()
        if prod <= enlam:
            return x
        x += 1


def poisson(rate):
    """torch.poisson: Poisson(rate) counts shaped like `rate`, in its dtype."""
    lam = rate.detach().to(ember.float64).numpy()
    if not (lam >= 0).all():  # nan too
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    flat = lam.reshape(-1).tolist()
    s = _Stream(default_generator, len(flat))
    try:
        out = [_poisson_one(s, x) for x in flat]
    finally:
        s.close()
    return ember.tensor(np.array(out, np.float64).reshape(lam.shape), dtype=rate.dtype)


def _stirling_tail(k: float) -> float:
    if k < 10:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _inversion(s: _Stream, n, p, f) -> float:
    """Count geometric gaps (in double) until their sum passes n; `f` rounds to the dtype."""
    # log1p of the element type (log1pf for float32)
    logprob = float(np.log1p(f(-p))) if f is np.float32 else math.log1p(-p)
    geom_sum, num = 0.0, 0
    while True:
        geom_sum += math.ceil(math.log(s.uniform()) / logprob)
        if geom_sum > n:
            return num
        num += 1


def _btrs(s: _Stream, n, p, f) -> float:
    """Transformed rejection with squeeze; products of n and p round to the element type."""
    stddev = float(np.sqrt(f(f(n * p) * f(1 - p))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = float(f(n * p)) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(f(f(p) / f(1 - p)))
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor(f((n + 1) * p))
    while True:
        u = s.uniform() - 0.5
        v = s.uniform()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
                 + (n + 1) * math.log((n - m + 1) / (n - k + 1))
                 + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(n - m)
                 - _stirling_tail(k) - _stirling_tail(n - k))
        if v <= bound:
            return k


def _binomial_one(s: _Stream, n: float, p: float, f) -> float:
    if n <= 0.0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return n
    if math.isnan(p):
        return math.nan
    flip = p > 0.5
    q = float(f(1.0 - p)) if flip else p
    k = _btrs(s, n, q, f) if f(n * q) >= 10.0 else _inversion(s, n, q, f)
    return n - k if flip else k


def binomial(count, prob):
    """torch.binomial: Binomial(count, prob) draws shaped like them, in prob's dtype."""
    single = prob.dtype != ember.float64
    f = np.float32 if single else float
    n = count.detach().to(prob.dtype).to(ember.float64).numpy()
    p = prob.detach().to(ember.float64).numpy()
    pairs = zip(n.reshape(-1).tolist(), p.reshape(-1).tolist())
    s = _Stream(default_generator, n.size)
    try:
        out = [_binomial_one(s, a, b, f) for a, b in pairs]
    finally:
        s.close()
    return ember.tensor(np.array(out, np.float64).reshape(p.shape), dtype=prob.dtype)
