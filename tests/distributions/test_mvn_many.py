"""MultivariateNormal.log_prob over many samples with one (unbatched) covariance: the GEMM path
with a cached L^{-1}, against torch (values, gradients, float32, in-place changes, validation)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.distributions._helpers import both, close, grads_close


def _spd(n):
    a = np.random.default_rng(3).standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


MAKE = {
    "cov": lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["m"]),
    "prec": lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["m"]),
    "tril": lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["m"].tril()),
}


@pytest.mark.parametrize("param", MAKE)
def test_log_prob_many_samples(param):
    arrays = {"loc": np.linspace(-1, 1, 4), "m": _spd(4)}
    de, dt, pe, pt = both(MAKE[param], arrays)
    v = np.random.default_rng(1).standard_normal((30, 5, 4))
    ve = ember.tensor(v, requires_grad=True)
    vt = torch.tensor(v, requires_grad=True)
    a, b = de.log_prob(ve), dt.log_prob(vt)
    close(a, b, rtol=1e-10, atol=1e-10, what=param)
    pe["v"], pt["v"] = ve, vt
    grads_close(a, b, pe, pt, rtol=1e-9, atol=1e-10, what=param)
    # a second call and backward (the leaves' graph is rebuilt each time, as in torch)
    a, b = de.log_prob(ve), dt.log_prob(vt)
    grads_close(a.sum(), b.sum(), pe, pt, rtol=1e-9, atol=1e-10, what=param)


def test_log_prob_many_samples_float32_no_grad():
    m = _spd(16)
    x = np.random.default_rng(2).standard_normal((200, 16))
    outs = []
    for lib in (ember, torch):
        d = lib.distributions.MultivariateNormal(
            lib.zeros(16), covariance_matrix=lib.tensor(m, dtype=lib.float32))
        first = d.log_prob(lib.tensor(x, dtype=lib.float32))
        outs.append((first, d.log_prob(lib.tensor(x[:100], dtype=lib.float32))))
    for a, b in zip(*outs):
        close(a, b, rtol=2e-5, atol=2e-5, what="float32")


def test_cached_inverse_follows_inplace_change():
    tril = np.linalg.cholesky(_spd(3))
    x = np.random.default_rng(4).standard_normal((50, 3))
    outs = []
    for lib in (ember, torch):
        L = lib.tensor(tril)
        d = lib.distributions.MultivariateNormal(lib.zeros(3), scale_tril=L)
        first = d.log_prob(lib.tensor(x))
        L.mul_(2.0)
        outs.append((first, d.log_prob(lib.tensor(x))))
    for a, b in zip(*outs):
        close(a, b, rtol=1e-10, atol=1e-10, what="in-place")


def test_validation_many_samples():
    x = np.zeros((40, 3))
    x[7, 1] = np.nan
    for lib in (ember, torch):
        d = lib.distributions.MultivariateNormal(lib.zeros(3), lib.eye(3))
        with pytest.raises(ValueError, match="within the support"):
            d.log_prob(lib.tensor(x))
        with pytest.raises(ValueError, match="right-most size"):
            d.log_prob(lib.zeros(40, 2))


def test_no_grad_call_does_not_cache_a_graphless_inverse():
    arrays = {"loc": np.zeros(3), "m": _spd(3)}
    de, dt, pe, pt = both(MAKE["tril"], arrays)
    v = np.random.default_rng(6).standard_normal((40, 3))
    with ember.no_grad():
        de.log_prob(ember.tensor(v))
    with torch.no_grad():
        dt.log_prob(torch.tensor(v))
    a, b = de.log_prob(ember.tensor(v)), dt.log_prob(torch.tensor(v))
    grads_close(a, b, pe, pt, rtol=1e-9, atol=1e-10, what="after no_grad")
