"""Binomial and MixtureSameFamily against torch; Binomial/Poisson samplers statistically."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.distributions._helpers import both, close, compare_values, grads_close


def test_binomial_values():
    compare_values("Binomial", lambda D, p: D.Binomial(5, probs=p["p"]),
                   {"p": [[0.1, 0.5, 0.9]]}, [[0.0, 2.0, 5.0], [1.0, 3.0, 4.0]], cdf=False,
                   stats=("mean", "variance", "stddev", "mode"))
    compare_values("BinomialLogits",
                   lambda D, p: D.Binomial(p["n"].detach(), logits=p["l"]),
                   {"n": [3.0, 10.0], "l": [-1.0, 2.0]}, [[0.0, 7.0]], cdf=False, stats=("mean",))


@pytest.mark.parametrize("name", ["Binomial", "Poisson"])
def test_count_samplers(name):
    make = {"Binomial": lambda D: D.Binomial(ember_or(D, [4.0, 30.0, 200.0]),
                                             ember_or(D, [0.3, 0.9, 0.05])),
            "Poisson": lambda D: D.Poisson(ember_or(D, [0.3, 4.0, 60.0]))}[name]
    de, dt = make(ember.distributions), make(torch.distributions)
    ember.manual_seed(0)
    x = de.sample((20000,))
    assert x.dtype == ember.float32 and tuple(x.shape) == (20000, 3)
    assert bool(de.support.check(x).all()) and bool((x == x.round()).all())
    mean, var = dt.mean.numpy(), dt.variance.numpy()
    np.testing.assert_array_less(np.abs(x.mean(0).numpy() - mean), 5 * np.sqrt(var / 20000))
    np.testing.assert_allclose(x.var(0).numpy(), var, rtol=0.1)


def ember_or(D, values):
    lib = ember if D is ember.distributions else torch
    return lib.tensor(values)


def test_mixture_same_family():
    def make(D, p):
        mix = D.Categorical(logits=p["w"])
        comp = D.Independent(D.Normal(p["loc"], p["scale"]), 1)
        return D.MixtureSameFamily(mix, comp)

    arrays = {"w": [[0.2, -0.5, 1.0]], "loc": [[[0.0, 1.0], [2.0, -1.0], [0.5, 0.5]]],
              "scale": [[[1.0, 0.5], [2.0, 1.0], [0.3, 0.7]]]}
    de, dt, pe, pt = both(make, arrays)
    assert repr(de) == repr(dt) and de.batch_shape == dt.batch_shape
    assert de.event_shape == dt.event_shape
    v = np.random.default_rng(0).standard_normal((4, 1, 2))
    for a, b in [(de.log_prob(ember.tensor(v)), dt.log_prob(torch.tensor(v))),
                 (de.mean, dt.mean), (de.variance, dt.variance)]:
        close(a, b)
        grads_close(a, b, pe, pt)
    ember.manual_seed(5)
    torch.manual_seed(5)
    close(de.sample((3,)), dt.sample((3,)))
    close(de.expand((2, 1)).sample(), dt.expand((2, 1)).sample())

    def make_1d(D, p):
        return D.MixtureSameFamily(D.Categorical(p["w"]), D.Normal(p["loc"], p["scale"]))

    de, dt, pe, pt = both(make_1d, {"w": [0.2, 0.3, 0.5], "loc": [0.0, 1.0, -2.0],
                                    "scale": [1.0, 0.5, 2.0]})
    x = [0.1, -1.0, 3.0]
    a = de.cdf(ember.tensor(x, dtype=ember.float64))
    b = dt.cdf(torch.tensor(x, dtype=torch.float64))
    close(a, b)
    grads_close(a, b, pe, pt)


def test_multinomial():
    arrays = {"p": [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]}
    compare_values("Multinomial", lambda D, p: D.Multinomial(4, probs=p["p"]), arrays,
                   [[1.0, 1.0, 2.0], [0.0, 4.0, 0.0]], cdf=False, stats=("mean", "variance"))
    de, dt, _, _ = both(lambda D, p: D.Multinomial(5, logits=p["p"]), arrays)
    ember.manual_seed(9)
    torch.manual_seed(9)
    close(de.sample((3,)), dt.sample((3,)))
    close(de.expand((2, 2)).sample(), dt.expand((2, 2)).sample())


@pytest.mark.parametrize("pair", ["Binomial", "Gumbel", "Geometric", "HalfNormal", "OneHot",
                                  "Pareto", "Poisson"])
def test_kl_more(pair):
    arrays = {"a": [0.5, 2.0, 3.0], "b": [1.5, 2.0, 0.7], "p": [0.2, 0.5, 0.9],
              "q": [0.4, 0.1, 0.6]}
    makers = {
        "Binomial": lambda D, p, k: D.Binomial(5, probs=p["p" if k else "q"]),
        "Gumbel": lambda D, p, k: D.Gumbel(p["a"], p["b"]) if k else D.Gumbel(p["b"], p["a"]),
        "Geometric": lambda D, p, k: D.Geometric(p["p" if k else "q"]),
        "HalfNormal": lambda D, p, k: D.HalfNormal(p["a" if k else "b"]),
        "OneHot": lambda D, p, k: D.OneHotCategorical(p["p" if k else "q"]),
        "Pareto": lambda D, p, k: D.Pareto(p["a"], p["b"]) if k else D.Pareto(p["b"], p["a"]),
        "Poisson": lambda D, p, k: D.Poisson(p["a" if k else "b"]),
    }
    de, dt, pe, pt = both(lambda D, p: makers[pair](D, p, True), arrays)
    qe, qt = makers[pair](ember.distributions, pe, False), makers[pair](torch.distributions, pt,
                                                                         False)
    a = ember.distributions.kl_divergence(de, qe)
    b = torch.distributions.kl_divergence(dt, qt)
    close(a, b, what=pair)
    if not torch.isinf(b).any():
        grads_close(a, b, pe, pt, what=pair)


def test_lowrank_multivariate_normal():
    rng = np.random.default_rng(3)
    arrays = {"loc": [[0.5, -1.0, 2.0]], "W": rng.standard_normal((2, 3, 2)),
              "D": [[1.0, 0.5, 2.0], [0.3, 1.5, 1.0]]}
    de, dt, pe, pt = both(lambda D, p: D.LowRankMultivariateNormal(p["loc"], p["W"], p["D"]),
                          arrays)
    assert de.batch_shape == dt.batch_shape and repr(de) == repr(dt)
    v = rng.standard_normal((4, 2, 3))
    for a, b in [(de.log_prob(ember.tensor(v)), dt.log_prob(torch.tensor(v))),
                 (de.entropy(), dt.entropy()), (de.variance, dt.variance),
                 (de.covariance_matrix, dt.covariance_matrix),
                 (de.precision_matrix, dt.precision_matrix), (de.scale_tril, dt.scale_tril)]:
        close(a, b)
        grads_close(a, b, pe, pt)
    ember.manual_seed(6)
    torch.manual_seed(6)
    a, b = de.rsample((2,)), dt.rsample((2,))
    close(a, b)
    grads_close(a, b, pe, pt)
    close(de.expand((3, 2)).sample(), dt.expand((3, 2)).sample())
