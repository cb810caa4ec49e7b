"""Seeded sampling of every distribution against torch: after torch.manual_seed(s) and
ember.manual_seed(s) both consume the same draws (the generators end in the same state) and give
the same samples; bit for bit where only the stream and exact arithmetic are involved, to the
last bits where an elementwise op (exp, log, pow, sqrt, matmul) rounds differently from torch's."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember

# bit-identical in both dtypes (the rest: within a few ulps, LKJCholesky/Wishart see TOL)
EXACT = {"Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "Dirichlet",
         "Exponential", "FisherSnedecor", "Gamma", "Geometric", "HalfCauchy", "HalfNormal",
         "Independent", "LowRankMultivariateNormal", "MixtureSameFamily",
         "Multinomial", "NegativeBinomial", "Normal", "OneHotCategorical", "Poisson", "StudentT",
         "Uniform", "VonMises"}
# (rtol, atol): float32 sqrt / cancellation in 1 - |w|^2 (LKJ), matmul order (Wishart)
TOL = {"float32": (1e-5, 1e-5), "float64": (1e-13, 1e-13)}


def P(L, d):
    return lambda v: L.tensor(v, dtype=d)


CASES = {
    "Bernoulli": lambda D, t: D.Bernoulli(t([0.2, 0.7])),
    "Beta": lambda D, t: D.Beta(t([0.5, 2.0]), t([1.5, 0.3])),
    "Binomial": lambda D, t: D.Binomial(t([5., 100.]), t([0.3, 0.6])),
    "Categorical": lambda D, t: D.Categorical(t([0.2, 0.3, 0.5])),
    "Cauchy": lambda D, t: D.Cauchy(t([0., 1.]), t([1., 2.])),
    "Chi2": lambda D, t: D.Chi2(t([1., 3.])),
    "ContinuousBernoulli": lambda D, t: D.ContinuousBernoulli(t([0.2, 0.7])),
    "Dirichlet": lambda D, t: D.Dirichlet(t([0.5, 2.0, 3.0])),
    "Exponential": lambda D, t: D.Exponential(t([0.5, 2.0])),
    "FisherSnedecor": lambda D, t: D.FisherSnedecor(t([1.5, 3.]), t([3., 7.])),
    "Gamma": lambda D, t: D.Gamma(t([0.5, 2.0]), t([1., 3.])),
    "GeneralizedPareto": lambda D, t: D.GeneralizedPareto(t([0., 1.]), t([1., 2.]), t([0.1, -0.2])),
    "Geometric": lambda D, t: D.Geometric(t([0.2, 0.7])),
    "Gumbel": lambda D, t: D.Gumbel(t([0., 1.]), t([1., 2.])),
    "HalfCauchy": lambda D, t: D.HalfCauchy(t([1., 2.])),
    "HalfNormal": lambda D, t: D.HalfNormal(t([1., 2.])),
    "Independent": lambda D, t: D.Independent(D.Normal(t([0., 1.]), t([1., 2.])), 1),
    "InverseGamma": lambda D, t: D.InverseGamma(t([0.5, 3.]), t([1., 2.])),
    "Kumaraswamy": lambda D, t: D.Kumaraswamy(t([0.5, 3.]), t([1., 2.])),
    "LKJCholesky": lambda D, t: D.LKJCholesky(3, t([0.5, 2.])),
    "Laplace": lambda D, t: D.Laplace(t([0., 1.]), t([1., 2.])),
    "LogNormal": lambda D, t: D.LogNormal(t([0., 1.]), t([1., 2.])),
    "LogisticNormal": lambda D, t: D.LogisticNormal(t([0., 1.]), t([1., 2.])),
    "LowRankMultivariateNormal": lambda D, t: D.LowRankMultivariateNormal(
        t([0., 1.]), t([[1.], [0.5]]), t([1., 2.])),
    "MixtureSameFamily": lambda D, t: D.MixtureSameFamily(
        D.Categorical(t([0.3, 0.7])), D.Normal(t([0., 1.]), t([1., 2.]))),
    "Multinomial": lambda D, t: D.Multinomial(10, t([0.3, 0.6, 0.9])),
    "MultivariateNormal": lambda D, t: D.MultivariateNormal(t([0., 1.]), t([[2., 0.5], [0.5, 1.]])),
    "NegativeBinomial": lambda D, t: D.NegativeBinomial(t([5., 0.4]), t([0.3, 0.9])),
    "Normal": lambda D, t: D.Normal(t([0., 1.]), t([1., 2.])),
    "OneHotCategorical": lambda D, t: D.OneHotCategorical(t([0.2, 0.3, 0.5])),
    "Pareto": lambda D, t: D.Pareto(t([1., 2.]), t([1., 3.])),
    "Poisson": lambda D, t: D.Poisson(t([0.5, 30.])),
    "RelaxedBernoulli": lambda D, t: D.RelaxedBernoulli(t(0.5), t([0.2, 0.7])),
    "RelaxedOneHotCategorical": lambda D, t: D.RelaxedOneHotCategorical(t(0.5), t([0.2, 0.3, 0.5])),
    "StudentT": lambda D, t: D.StudentT(t([0.8, 6.])),
    "Uniform": lambda D, t: D.Uniform(t([0., 1.]), t([1., 3.])),
    "VonMises": lambda D, t: D.VonMises(t([0., 1.]), t([1., 20.])),
    "Weibull": lambda D, t: D.Weibull(t([1., 2.]), t([0.5, 3.])),
    "Wishart": lambda D, t: D.Wishart(
        t([4., 6.]), covariance_matrix=t([[2., 0.5, 0.1], [0.5, 1., 0.2], [0.1, 0.2, 3.]])),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", CASES)
def test_seeded_samples_are_torchs(name, dtype):
    make = CASES[name]
    out = []
    for lib in (torch, ember):
        lib.manual_seed(5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Wishart's low-df and singular-sample warnings
            out.append(make(lib.distributions, P(lib, getattr(lib, dtype))).sample((30,)))
    b, a = out
    assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
    assert ember.get_rng_state().tolist() == torch.get_rng_state().tolist()
    if name in EXACT:
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    else:
        rtol, atol = TOL[dtype]
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=atol)


# torch approximates d x / d alpha of gamma draws (and the Dirichlet's through Beta marginals);
# ember computes it exactly: families built on gamma agree to torch's approximation error
GAMMA_BASED = {"Beta", "Chi2", "Dirichlet", "FisherSnedecor", "Gamma", "InverseGamma", "StudentT",
               "Wishart"}
RSAMPLE = {
    "Beta": (lambda D, p: D.Beta(p["a"], p["b"]), {"a": [0.5, 2.0], "b": [1.5, 0.3]}),
    "Cauchy": (lambda D, p: D.Cauchy(p["a"], p["b"]), {"a": [0., 1.], "b": [1., 2.]}),
    "Chi2": (lambda D, p: D.Chi2(p["a"]), {"a": [1., 3.]}),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(p["a"]), {"a": [0.2, 0.7]}),
    "Dirichlet": (lambda D, p: D.Dirichlet(p["a"]), {"a": [0.5, 2.0, 3.0]}),
    "Exponential": (lambda D, p: D.Exponential(p["a"]), {"a": [0.5, 2.0]}),
    "FisherSnedecor": (lambda D, p: D.FisherSnedecor(p["a"], p["b"]),
                       {"a": [1.5, 3.], "b": [3., 7.]}),
    "Gamma": (lambda D, p: D.Gamma(p["a"], p["b"]), {"a": [0.5, 2.0], "b": [1., 3.]}),
    "GeneralizedPareto": (lambda D, p: D.GeneralizedPareto(p["a"], p["b"], p["c"]),
                          {"a": [0., 1.], "b": [1., 2.], "c": [0.1, -0.2]}),
    "Gumbel": (lambda D, p: D.Gumbel(p["a"], p["b"]), {"a": [0., 1.], "b": [1., 2.]}),
    "HalfCauchy": (lambda D, p: D.HalfCauchy(p["a"]), {"a": [1., 2.]}),
    "HalfNormal": (lambda D, p: D.HalfNormal(p["a"]), {"a": [1., 2.]}),
    "InverseGamma": (lambda D, p: D.InverseGamma(p["a"], p["b"]), {"a": [0.5, 3.], "b": [1., 2.]}),
    "Kumaraswamy": (lambda D, p: D.Kumaraswamy(p["a"], p["b"]), {"a": [0.5, 3.], "b": [1., 2.]}),
    "Laplace": (lambda D, p: D.Laplace(p["a"], p["b"]), {"a": [0., 1.], "b": [1., 2.]}),
    "LogNormal": (lambda D, p: D.LogNormal(p["a"], p["b"]), {"a": [0., 1.], "b": [1., 2.]}),
    "LogisticNormal": (lambda D, p: D.LogisticNormal(p["a"], p["b"]),
                       {"a": [0., 1.], "b": [1., 2.]}),
    "LowRankMVN": (lambda D, p: D.LowRankMultivariateNormal(p["a"], p["W"], p["b"]),
                   {"a": [0., 1.], "W": [[1.], [0.5]], "b": [1., 2.]}),
    "MVN": (lambda D, p: D.MultivariateNormal(p["a"], p["S"]),
            {"a": [0., 1.], "S": [[2., 0.5], [0.5, 1.]]}),
    "Normal": (lambda D, p: D.Normal(p["a"], p["b"]), {"a": [0., 1.], "b": [1., 2.]}),
    "Pareto": (lambda D, p: D.Pareto(p["a"], p["b"]), {"a": [1., 2.], "b": [1., 3.]}),
    "RelaxedBernoulli": (lambda D, p: D.RelaxedBernoulli(p["t"], p["a"]),
                         {"t": 0.5, "a": [0.2, 0.7]}),
    "RelaxedOneHotCategorical": (lambda D, p: D.RelaxedOneHotCategorical(p["t"], p["a"]),
                                 {"t": 0.5, "a": [0.2, 0.3, 0.5]}),
    "StudentT": (lambda D, p: D.StudentT(p["a"], p["b"], p["c"]),
                 {"a": [0.8, 6.], "b": [0., 1.], "c": [1., 2.]}),
    "Uniform": (lambda D, p: D.Uniform(p["a"], p["b"]), {"a": [0., 1.], "b": [1., 3.]}),
    "Weibull": (lambda D, p: D.Weibull(p["a"], p["b"]), {"a": [1., 2.], "b": [0.5, 3.]}),
    "Wishart": (lambda D, p: D.Wishart(p["a"], covariance_matrix=p["S"]),
                {"a": [4., 6.], "S": [[2., 0.5, 0.1], [0.5, 1., 0.2], [0.1, 0.2, 3.]]}),
}


@pytest.mark.parametrize("name", RSAMPLE)
def test_rsample_gradients_are_torchs(name):
    make, arrays = RSAMPLE[name]
    outs = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        p = {k: lib.tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
             for k, v in arrays.items()}
        d = make(lib.distributions, p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Wishart: "Singular sample detected."
            x = d.rsample((3,), max_try_correction=0) if name == "Wishart" else d.rsample((3,))
        up = lib.tensor(np.random.default_rng(0).standard_normal(tuple(x.shape)))
        outs.append((x, lib.autograd.grad((x * up).sum(), list(p.values()))))
    (xt, gt), (xe, ge) = outs
    np.testing.assert_allclose(xe.detach().numpy(), xt.detach().numpy(), rtol=1e-14, atol=1e-14)
    rtol = 3e-3 if name in GAMMA_BASED else 1e-13
    for a, b in zip(ge, gt):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=1e-12)


def test_long_streams_cross_the_draw_blocks():
    # more uniforms than one block of the replayed stream (65536): refills keep torch's order
    for lib in (torch, ember):
        lib.manual_seed(11)
    a = ember.distributions.Poisson(ember.full((40000,), 40.0)).sample()
    b = torch.distributions.Poisson(torch.full((40000,), 40.0)).sample()
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ember.get_rng_state().tolist() == torch.get_rng_state().tolist()
