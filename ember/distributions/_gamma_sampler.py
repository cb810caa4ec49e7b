"""Gamma and Dirichlet sampling with torch's CPU draws, and implicit reparameterization gradients.

torch's `_standard_gamma` / `_sample_dirichlet` run Marsaglia-Tsang (2000) per element, in C
order, on the generator's double uniforms (53 bits of a u64) and double normals (Box-Muller with a
cached sine half); this replays that loop on ember's MT19937 stream, so seeded samples are torch's.
Gradients are torch's implicit ones (d x / d alpha at a fixed CDF value; for the Dirichlet, through
its Beta marginals), computed exactly where torch approximates them (they agree to ~2e-3).
Paper: https://dl.acm.org/doi/10.1145/358407.358414 (Marsaglia & Tsang, 2000).
"""
from __future__ import annotations

import math

import numpy as np

import ember
from ember.autograd.function import Function, once_differentiable
from ember.random import default_generator

_THIRD_F = float(np.float32(1.0) / np.float32(3.0))  # torch's `1.0f / 3.0f`
_SQUEEZE_F = float(np.float32(0.0331))  # torch's `0.0331f`
_SCALE53 = 2.0 ** -53


class _Stream:
    """Python-float draws from a Generator: double uniforms (two u32s each, so always aligned)
    made from a block of raw draws ahead of use; close() rewinds the stream to what was used."""

    def __init__(self, g, n_hint: int) -> None:
        self.g, self.saved, self.used = g, g._bg.state, 0
        self.u, self.k, self.chunk = [], 0, min(max(64, 4 * n_hint), 1 << 16)
        self.cached = g._normal_double

    def _refill(self) -> None:
        self.used += len(self.u)
        r = self.g._bg.random_raw(2 * self.chunk)
        self.u = ((((r[0::2] & 0x1FFFFF) << 32) | r[1::2]).astype(np.float64) * _SCALE53).tolist()
        self.k = 0

    def uniform(self) -> float:
        if self.k == len(self.u):
            self._refill()
        self.k += 1
        return self.u[self.k - 1]

    def normal(self) -> float:
        if self.cached is not None:
            v, self.cached = self.cached, None
            return v
        k = self.k
        if k + 2 > len(self.u):
            theta, radius = self.uniform(), self.uniform()
        else:
            theta, radius = self.u[k], self.u[k + 1]
            self.k = k + 2
        theta *= 2.0 * math.pi
        r = math.sqrt(-2.0 * math.log1p(-radius))
        self.cached = r * math.sin(theta)
        return r * math.cos(theta)

    def close(self) -> None:
        consumed = 2 * (self.used + self.k)
        self.g._bg.state = self.saved
        if consumed:
            self.g._bg.random_raw(consumed)
            self.g._fresh = False
        self.g._normal_double = self.cached


def _gamma_one(s: _Stream, alpha: float, single: bool) -> float:
    """One Gamma(alpha, 1) draw; `single`: torch's float32 kernel (alpha arithmetic in float)."""
    f32 = np.float32 if single else float
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale *= math.pow(1.0 - s.uniform(), float(f32(1.0) / f32(alpha)))
        alpha = float(f32(alpha) + f32(1.0))
    d = float(f32(alpha) - f32(_THIRD_F))
    c = 1.0 / math.sqrt(9.0 * d) if d > 0 else math.nan  # C's sqrt(< 0) is nan
    while True:
        y = 0.0
        while y <= 0:
            x = s.normal()
            y = 1.0 + c * x
        v = y * y * y
        u = 1.0 - s.uniform()
        xx = x * x
        if u < 1.0 - _SQUEEZE_F * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _gamma_values(alpha: np.ndarray, single: bool) -> np.ndarray:
    """Gamma(alpha, 1) for every element of a host array, in C order, on the default generator."""
    flat = np.ascontiguousarray(alpha, np.float64).reshape(-1).tolist()
    s = _Stream(default_generator, len(flat))
    try:
        out = [_gamma_one(s, a, single) for a in flat]
    finally:
        s.close()
    return np.array(out, np.float64).reshape(alpha.shape)


def _standard_gamma_grad(x, alpha):
    """d x / d alpha at fixed CDF value (implicit reparameterization), by central differences."""
    h = 1e-5 * alpha.clamp(min=1e-3)
    gammainc = ember.special.gammainc
    dcdf_da = (gammainc(alpha + h, x) - gammainc(alpha - h, x)) / (2 * h)
    log_pdf = (alpha - 1) * x.log() - x - ember.special.gammaln(alpha)
    return -dcdf_da / log_pdf.exp()


def _with_gamma_grad(x64, alpha):
    """x64 (float64 gamma draws for `alpha`) in alpha's dtype, differentiable in `alpha`."""
    x = x64.to(alpha.dtype)
    if not alpha.requires_grad or not ember.is_grad_enabled():
        return x
    with ember.no_grad():
        dxda = _standard_gamma_grad(x64, alpha.detach().to(ember.float64)).to(alpha.dtype)
    return x + (alpha - alpha.detach()) * dxda


def _at_least(x, low):
    """std::max(low, x): low where x is not above it, nan included."""
    return np.where(low < x, x, low)


def standard_gamma(alpha):
    """torch._standard_gamma: Gamma(alpha, 1) samples shaped like `alpha`, differentiable."""
    a = alpha.detach()
    single = a.dtype != ember.float64
    x = _gamma_values(a.to(ember.float64).numpy(), single)
    tiny = float(ember.finfo(alpha.dtype).tiny)
    if single:
        x = x.astype(np.float32).astype(np.float64)
    x64 = ember.tensor(_at_least(x, tiny), dtype=ember.float64)
    return _with_gamma_grad(x64, alpha)


# ---- Dirichlet: torch's reparameterized gradient through the Beta marginals -------------------

_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def _log_beta(a, b):
    return (_LGAMMA(a) + _LGAMMA(b) - _LGAMMA(a + b)).astype(np.float64)


def _log_betainc_cf(x, a, b):
    """log I_x(a, b) by its continued fraction (modified Lentz), each element iterated until its
    factor is 1 to rounding; converges fast where x < (a + 1) / (a + b + 2)."""
    tiny = 1e-300
    idx = np.arange(x.size)
    x_, a_, b_ = x.ravel(), a.ravel(), b.ravel()
    c = np.ones_like(x_)
    d = 1.0 - (a_ + b_) * x_ / (a_ + 1.0)
    d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
    h, out, m = d.copy(), np.empty(x.size), 0
    while idx.size:
        m += 1
        for coef in (m * (b_ - m) * x_ / ((a_ - 1.0 + 2 * m) * (a_ + 2 * m)),
                     -(a_ + m) * (a_ + b_ + m) * x_ / ((a_ + 2 * m) * (a_ + 1.0 + 2 * m))):
            d = 1.0 + coef * d
            d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
            c = 1.0 + coef / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            step = d * c
            h = h * step
        done = ~(np.abs(step - 1.0) >= 3e-16) | (m >= 5000)
        if done.any():
            out[idx[done]] = h[done]
            keep = ~done
            idx, x_, a_, b_, c, d, h = (v[keep] for v in (idx, x_, a_, b_, c, d, h))
    front = a * np.log(x) + b * np.log1p(-x) - _log_beta(a, b)
    return front - np.log(a) + np.log(out.reshape(x.shape))


def _dirichlet_grad(x, alpha, total):
    """torch._dirichlet_grad: -(d/d alpha I_x(alpha, beta)) / pdf(x; alpha, beta) / (1 - x) with
    beta = total - alpha fixed; exact here (torch's own is an approximation, within ~2e-3)."""
    b = total - alpha
    log_pdf = (alpha - 1) * np.log(x) + (b - 1) * np.log1p(-x) - _log_beta(alpha, b)
    lower = x < (alpha + 1) / (alpha + b + 2)  # else I_x(a, b) = 1 - I_{1-x}(b, a)
    xx, h = np.where(lower, x, 1 - x), 1e-5 * alpha

    def ratio(a):  # I(a) / pdf, or I_{1-x}(b, a) / pdf
        p, q = np.where(lower, a, b), np.where(lower, b, a)
        return np.exp(_log_betainc_cf(xx, p, q) - log_pdf)

    dI = np.where(lower, 1.0, -1.0) * (ratio(alpha + h) - ratio(alpha - h)) / (2 * h)
    return -dI / (1 - x)


def _dirichlet_draws(concentration):
    """torch._sample_dirichlet: double gammas normalized over the last dim, clamped into (0, 1)."""
    g64 = _gamma_values(concentration.detach().to(ember.float64).numpy(), False)
    g64 = _at_least(g64, np.finfo(np.float64).tiny)
    np_dtype = np.float64 if concentration.dtype == ember.float64 else np.float32
    x = _at_least((g64 / g64.sum(-1, keepdims=True)).astype(np_dtype), np.finfo(np_dtype).tiny)
    top = np.nextafter(np_dtype(1), np_dtype(0))
    x = np.where(x < top, x, top)
    return ember.tensor(x, dtype=concentration.dtype)


class _Dirichlet(Function):
    """Dirichlet draws whose gradient is torch's (its grad_fn is named _DirichletBackward)."""

    @staticmethod
    def forward(ctx, concentration):
        x = _dirichlet_draws(concentration)
        ctx.save_for_backward(x, concentration)
        return x

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, concentration = ctx.saved_tensors
        c = concentration.detach().to(ember.float64).numpy()
        total = np.broadcast_to(c.sum(-1, keepdims=True), c.shape)
        grad = ember.tensor(_dirichlet_grad(x.detach().to(ember.float64).numpy(), c, total),
                            dtype=x.dtype)
        return grad * (grad_output - (x * grad_output).sum(-1, True))


def sample_dirichlet(concentration):
    """Dirichlet(concentration) samples (torch's draws), differentiable as torch's."""
    return _Dirichlet.apply(concentration)
