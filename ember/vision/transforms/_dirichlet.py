"""torch._sample_dirichlet's CPU algorithm on ember's generator, so that AugMix's mixing weights
match torchvision's draw for draw: a Marsaglia-Tsang gamma sample per entry (in float64, with
torch's float32 literals), normalised along the last dim, then cast to the input dtype.

Paper: https://doi.org/10.1145/358407.358414 (Marsaglia and Tsang, 2000)
"""
from __future__ import annotations

import math

import numpy as np

import ember
from ember import _sampling
from ember.random import default_generator

_ONE_THIRD = float(np.float32(1.0) / np.float32(3.0))  # torch writes 1.0f / 3.0f
_SQUEEZE = float(np.float32(0.0331))  # and 0.0331f


def _uniform(g) -> float:
    return float(_sampling.uniform53(g, 1)[0])


def _sample_gamma(alpha: float, g) -> float:
    scale = 1.0
    if alpha < 1.0:  # boost alpha for a higher acceptance rate
        if alpha == 0.0:
            return 0.0
        scale *= (1.0 - _uniform(g)) ** (1.0 / alpha)
        alpha += 1.0
    d = alpha - _ONE_THIRD
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = float(_sampling.normal_serial(g, 1)[0])
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - _uniform(g)
        xx = x * x
        if u < 1.0 - _SQUEEZE * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def sample_dirichlet(alpha: ember.Tensor) -> ember.Tensor:
    """One Dirichlet sample per row of `alpha` (..., K), drawn from the default generator."""
    g = default_generator
    a = alpha.detach().numpy()
    rows = a.reshape(-1, a.shape[-1]).astype(np.float64)
    tiny = np.finfo(np.float64).tiny
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        gam = np.array([max(_sample_gamma(float(v), g), tiny) for v in row])
        out[i] = gam / gam.sum()
    return ember.from_numpy(out.reshape(a.shape).astype(a.dtype))
