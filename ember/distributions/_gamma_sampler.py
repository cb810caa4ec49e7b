"""Gamma sampling from ember's generator, with implicit reparameterization gradients.

torch draws gamma variates with a C++ rejection sampler whose stream cannot be reproduced here;
this uses Marsaglia-Tsang (2000) on ember.randn/ember.rand, so samples follow the right law
(tested statistically) and seeding still makes them deterministic.
Paper: https://dl.acm.org/doi/10.1145/358407.358414 (Marsaglia & Tsang, 2000).
"""
from __future__ import annotations

import ember


def _standard_gamma_flat(a):
    """Gamma(a, 1) variates for a flat float64 tensor `a` (no grad), drawn with ember's RNG."""
    boost = a < 1  # Gamma(a) = Gamma(a + 1) * U ** (1 / a)
    d = ember.where(boost, a + 1, a) - 1.0 / 3.0
    c = 1.0 / (9.0 * d).sqrt()
    out = ember.empty_like(a)
    todo = ember.arange(a.numel())
    tiny = ember.finfo(ember.float64).tiny
    while todo.numel():
        x = ember.randn(todo.numel(), dtype=ember.float64)
        u = ember.rand(todo.numel(), dtype=ember.float64)
        dt, ct = d[todo], c[todo]
        v = (1.0 + ct * x) ** 3
        ok = (v > 0) & (u.clamp(min=tiny).log()
                        < 0.5 * x * x + dt - dt * v + dt * v.clamp(min=tiny).log())
        out[todo[ok]] = (dt * v)[ok]
        todo = todo[~ok]
    if bool(boost.any()):
        u = ember.rand(int(boost.sum()), dtype=ember.float64)
        out[boost] = out[boost] * u ** (1.0 / a[boost])
    return out


def _standard_gamma_grad(x, alpha):
    """d x / d alpha at fixed CDF value (implicit reparameterization), as torch's formula."""
    h = 1e-5 * alpha.clamp(min=1e-3)
    dcdf_da = (ember.special.gammainc(alpha + h, x) - ember.special.gammainc(alpha - h, x)) / (2 * h)
    log_pdf = (alpha - 1) * x.log() - x - ember.special.gammaln(alpha)
    return -dcdf_da / log_pdf.exp()


def standard_gamma(alpha):
    """Gamma(alpha, 1) samples shaped like `alpha`, differentiable in `alpha`."""
    with ember.no_grad():
        a64 = alpha.detach().to(ember.float64)
        x64 = _standard_gamma_flat(a64.reshape(-1)).reshape(a64.shape)
        x64 = x64.clamp(min=ember.finfo(alpha.dtype).tiny)
        x = x64.to(alpha.dtype)
    if not alpha.requires_grad or not ember.is_grad_enabled():
        return x
    with ember.no_grad():
        dxda = _standard_gamma_grad(x64, a64).to(alpha.dtype)
    return x + (alpha - alpha.detach()) * dxda
