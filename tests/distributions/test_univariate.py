"""Normal, Bernoulli, Categorical, Uniform, Exponential, Laplace, Cauchy, LogNormal against torch:
seeded samples, log_prob/cdf/icdf/entropy/moments with gradients, shapes, expand and repr."""
from __future__ import annotations

import pytest
import torch

import ember
from tests.distributions._helpers import both, close, compare_values, grads_close

# name -> (constructor, parameters, values inside the support, quantiles for icdf or None)
CASES = {
    "Normal": (lambda D, p: D.Normal(p["loc"], p["scale"]),
               {"loc": [[0.0, 1.0, -2.0]], "scale": [[1.0], [0.5]]},
               [[0.3, -1.0, 2.0], [1.5, 0.0, -0.2]], [0.1, 0.5, 0.9]),
    "Uniform": (lambda D, p: D.Uniform(p["low"], p["high"]),
                {"low": [0.0, -1.0, 2.0], "high": [1.0, 3.0, 2.5]},
                [0.5, 0.0, 2.2], [0.1, 0.5, 0.9]),
    "Exponential": (lambda D, p: D.Exponential(p["rate"]),
                    {"rate": [[0.5, 2.0], [1.0, 3.0]]}, [[0.3, 1.0], [2.0, 0.0]], [0.2, 0.7]),
    "Laplace": (lambda D, p: D.Laplace(p["loc"], p["scale"]),
                {"loc": [0.0, 1.0], "scale": [2.0, 0.5]}, [[0.3, -1.0], [1.0, 3.0]], [0.2, 0.8]),
    "Cauchy": (lambda D, p: D.Cauchy(p["loc"], p["scale"]),
               {"loc": [0.0, 1.0], "scale": [2.0, 0.5]}, [[0.3, -1.0]], [0.2, 0.8]),
    "LogNormal": (lambda D, p: D.LogNormal(p["loc"], p["scale"]),
                  {"loc": [0.0, 1.0], "scale": [2.0, 0.5]}, [[0.3, 1.0], [4.0, 2.5]],
                  [0.2, 0.8]),
    "Bernoulli": (lambda D, p: D.Bernoulli(probs=p["probs"]),
                  {"probs": [0.1, 0.5, 0.9]}, [[1.0, 0.0, 1.0]], None),
    "BernoulliLogits": (lambda D, p: D.Bernoulli(logits=p["logits"]),
                        {"logits": [[-1.0, 0.0, 2.0]]}, [[0.0, 1.0, 1.0]], None),
    "Categorical": (lambda D, p: D.Categorical(probs=p["probs"]),
                    {"probs": [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]}, [[2.0, 0.0], [1.0, 1.0]],
                    None),
    "CategoricalLogits": (lambda D, p: D.Categorical(logits=p["logits"]),
                          {"logits": [1.0, -2.0, 0.5, 0.0]}, [3.0, 0.0], None),
    "HalfNormal": (lambda D, p: D.HalfNormal(p["scale"]), {"scale": [0.5, 2.0]},
                   [[0.3, 1.0], [2.0, 0.0]], [0.2, 0.7]),
    "HalfCauchy": (lambda D, p: D.HalfCauchy(p["scale"]), {"scale": [0.5, 2.0]},
                   [[0.3, 1.0], [2.0, 0.0]], [0.2, 0.7]),
    "Gumbel": (lambda D, p: D.Gumbel(p["loc"], p["scale"]), {"loc": [0.0, 1.0], "scale": [2.0, 0.5]},
               [[0.3, -1.0], [1.0, 3.0]], [0.2, 0.8]),
    "Geometric": (lambda D, p: D.Geometric(probs=p["probs"]), {"probs": [0.2, 0.7, 1.0]},
                  [[0.0, 3.0, 0.0]], None),
    "GeometricLogits": (lambda D, p: D.Geometric(logits=p["logits"]), {"logits": [-1.0, 0.5]},
                        [[2.0, 0.0]], None),
    "Weibull": (lambda D, p: D.Weibull(p["scale"], p["c"]), {"scale": [1.0, 2.0], "c": [0.7, 3.0]},
                [[0.3, 1.0], [2.0, 4.0]], None),
    "Pareto": (lambda D, p: D.Pareto(p["scale"], p["a"]), {"scale": [1.0, 2.0], "a": [0.7, 3.0]},
               [[1.3, 2.0], [2.0, 4.0]], [0.2, 0.7]),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(p["probs"]),
                          {"probs": [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]},
                          [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], None),
    "OneHotCategoricalStraightThrough": (
        lambda D, p: D.OneHotCategoricalStraightThrough(logits=p["logits"]),
        {"logits": [[0.2, -0.3, 0.5]]}, [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], None),
    "RelaxedBernoulli": (lambda D, p: D.RelaxedBernoulli(p["t"], logits=p["logits"]),
                         {"t": 0.5, "logits": [[0.2, -1.0, 0.5]]}, [[0.3, 0.9, 0.5]], None),
    "LogisticNormal": (lambda D, p: D.LogisticNormal(p["loc"], p["scale"]),
                       {"loc": [0.2, -1.0], "scale": [0.5, 2.0]}, [[0.3, 0.2, 0.5]], None),
    "RelaxedOneHotCategorical": (
        lambda D, p: D.RelaxedOneHotCategorical(p["t"], logits=p["logits"]),
        {"t": 0.7, "logits": [[0.2, -1.0, 0.5]]}, [[0.3, 0.2, 0.5]], None),
    "Kumaraswamy": (lambda D, p: D.Kumaraswamy(p["a"], p["b"]),
                    {"a": [0.5, 2.0, 3.0], "b": [1.5, 2.0, 0.7]}, [[0.3, 0.5, 0.9]], None),
    "NegativeBinomial": (lambda D, p: D.NegativeBinomial(p["n"], logits=p["l"]),
                         {"n": [3.0, 0.5], "l": [-1.0, 0.5]}, [[0.0, 4.0]], None),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(p["p"]),
                            {"p": [0.2, 0.4995, 0.8]}, [[0.3, 0.9, 0.5]], [0.2, 0.5, 0.9]),
    "ContinuousBernoulliLogits": (lambda D, p: D.ContinuousBernoulli(logits=p["l"]),
                                  {"l": [-1.0, 0.0, 2.0]}, [[0.3, 0.9, 0.0]], None),
    # float32: torch's GeneralizedPareto compares with a float32 zero and fails in float64
    "GeneralizedPareto": (lambda D, p: D.GeneralizedPareto(p["loc"].float(), p["s"].float(),
                                                           p["c"].float()),
                          {"loc": [0.0, 1.0, -1.0], "s": [1.0, 2.0, 0.5], "c": [0.3, 0.0, -0.2]},
                          [[0.5, 2.0, -0.9]], [0.1, 0.5, 0.9]),
}
FLOAT32 = ("GeneralizedPareto",)
DISCRETE = ("Bernoulli", "Categorical", "Geometric", "OneHot")
NO_MOMENTS = ("RelaxedBernoulli", "LogisticNormal", "RelaxedOneHot")  # torch defines none for them
NO_CDF = DISCRETE + ("Weibull", "RelaxedBernoulli", "LogisticNormal", "RelaxedOneHot",
                     "Kumaraswamy", "NegativeBinomial")
STATISTICAL = ("NegativeBinomial",)  # sampled through gamma/poisson: law, not stream


@pytest.mark.parametrize("name", CASES)
def test_values_and_gradients(name):
    make, arrays, values, _ = CASES[name]
    stats = () if name.startswith(NO_MOMENTS) else ("mean", "variance", "stddev", "mode")
    if name.startswith("ContinuousBernoulli"):  # torch defines no mode
        stats = stats[:3]
    compare_values(name, make, arrays, values, cdf=not name.startswith(NO_CDF), stats=stats)


@pytest.mark.parametrize("name", [n for n in CASES if CASES[n][3] is not None])
def test_icdf(name):
    make, arrays, _, quantiles = CASES[name]
    de, dt, pe, pt = both(make, arrays)
    q = [quantiles] * 1
    a = de.icdf(ember.tensor(q, dtype=ember.float64))
    b = dt.icdf(torch.tensor(q, dtype=torch.float64))
    close(a, b, what=f"{name}.icdf")
    grads_close(a, b, pe, pt, what=f"{name}.icdf")


@pytest.mark.parametrize("name", [n for n in CASES if n not in STATISTICAL])
def test_seeded_samples_and_expand(name):
    make, arrays, _, _ = CASES[name]
    de, dt, pe, pt = both(make, arrays)
    tol = (1.3e-5, 1e-5) if name in FLOAT32 else (1e-6, 1e-8)
    for shape in [(), (4,), (2, 3)]:
        ember.manual_seed(7)
        torch.manual_seed(7)
        close(de.sample(shape), dt.sample(shape), what=f"{name}.sample{shape}")
        if dt.has_rsample:
            a, b = de.rsample(shape), dt.rsample(shape)
            close(a, b, what=f"{name}.rsample{shape}")
            grads_close(a, b, pe, pt, *tol, what=f"{name}.rsample")
    ee, et = de.expand((5,) + tuple(dt.batch_shape)), dt.expand((5,) + tuple(dt.batch_shape))
    assert ee.batch_shape == et.batch_shape and type(ee) is type(de)
    ember.manual_seed(3)
    torch.manual_seed(3)
    xe, xt = ee.sample((2,)), et.sample((2,))
    close(xe, xt, what=f"{name}.expand.sample")
    tol = (1.3e-5, 1e-5) if name in FLOAT32 else (1e-6, 1e-8)
    close(ee.log_prob(xe), et.log_prob(xt), *tol, what=f"{name}.expand.log_prob")


def test_enumerate_support():
    for make, arrays in [(CASES["Bernoulli"][0], CASES["Bernoulli"][1]),
                         (CASES["OneHotCategorical"][0], CASES["OneHotCategorical"][1]),
                         (CASES["Categorical"][0], CASES["Categorical"][1])]:
        de, dt, _, _ = both(make, arrays)
        for expand in (True, False):
            close(de.enumerate_support(expand), dt.enumerate_support(expand))


def test_float32_and_scalar_params():
    for lib in (torch, ember):
        lib.manual_seed(0)
    e, t = ember.distributions.Normal(0.0, 1.0), torch.distributions.Normal(0.0, 1.0)
    assert e.batch_shape == t.batch_shape == torch.Size([])
    close(e.sample((3,)), t.sample((3,)), rtol=0, atol=0)
    close(e.log_prob(ember.tensor([0.5, 2.0])), t.log_prob(torch.tensor([0.5, 2.0])),
          rtol=1.3e-6, atol=1e-6)
    assert repr(e) == repr(t)
