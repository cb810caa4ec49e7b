"""Gamma, Beta, Dirichlet against torch (values and gradients); their samplers replay torch's
gamma rejection loop, so seeded draws equal torch's, and are also tested statistically."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.distributions._helpers import both, close, compare_values, grads_close

CASES = {
    "Gamma": (lambda D, p: D.Gamma(p["c"], p["r"]), {"c": [[0.5, 2.0, 7.0]], "r": [[1.0], [3.0]]},
              [[0.3, 1.0, 9.0], [0.1, 0.5, 2.0]], False),
    "Beta": (lambda D, p: D.Beta(p["a"], p["b"]), {"a": [0.5, 2.0, 3.0], "b": [1.5, 2.0, 0.7]},
             [[0.3, 0.5, 0.9]], False),
    "Dirichlet": (lambda D, p: D.Dirichlet(p["c"]), {"c": [[0.5, 2.0, 3.0], [1.0, 1.5, 4.0]]},
                  [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], False),
    "Chi2": (lambda D, p: D.Chi2(p["df"]), {"df": [1.0, 3.0, 10.0]}, [[0.5, 2.0, 9.0]], False),
    "InverseGamma": (lambda D, p: D.InverseGamma(p["c"], p["r"]),
                     {"c": [0.5, 2.5, 7.0], "r": [1.0, 3.0, 0.5]}, [[0.3, 1.0, 9.0]], False),
    "StudentT": (lambda D, p: D.StudentT(p["df"], p["loc"], p["s"]),
                 {"df": [0.8, 1.5, 6.0], "loc": [0.0, 1.0, -1.0], "s": [1.0, 2.0, 0.5]},
                 [[0.3, 1.0, -2.0]], False),
    "FisherSnedecor": (lambda D, p: D.FisherSnedecor(p["a"], p["b"]),
                       {"a": [1.5, 3.0, 10.0], "b": [3.0, 5.0, 12.0]}, [[0.3, 1.0, 2.0]], False),
    "Poisson": (lambda D, p: D.Poisson(p["rate"]), {"rate": [0.5, 3.0, 40.0]},
                [[0.0, 2.0, 37.0]], False),
}


@pytest.mark.parametrize("name", CASES)
def test_values_and_gradients(name):
    make, arrays, values, cdf = CASES[name]
    # StudentT: no stddev, whose gradient at df <= 1 (nan) differs (see the report: index_put)
    stats = ("mean", "variance") if name == "StudentT" else ("mean", "variance", "stddev")
    compare_values(name, make, arrays, values, cdf=cdf, stats=stats)


def test_modes_and_expand():
    for name, (make, arrays, _, _) in CASES.items():
        if name in ("Poisson", "FisherSnedecor"):  # no entropy in torch
            continue
        de, dt, _, _ = both(make, arrays)
        close(de.mode, dt.mode, what=name)
        ee, et = de.expand((4,) + tuple(dt.batch_shape)), dt.expand((4,) + tuple(dt.batch_shape))
        assert ee.batch_shape == et.batch_shape
        close(ee.entropy(), et.entropy(), what=name)
    close(ember.distributions.Dirichlet(ember.tensor([0.5, 0.2])).mode,
          torch.distributions.Dirichlet(torch.tensor([0.5, 0.2])).mode)


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("InverseGamma", "StudentT",
                                                          "FisherSnedecor")])  # infinite moments
def test_sample_moments(name):
    make, arrays, _, _ = CASES[name]
    de, dt, _, _ = both(make, arrays, grad=False)
    ember.manual_seed(0)
    x = de.sample((20000,))
    assert x.shape == dt.sample((20000,)).shape and x.dtype == ember.float64
    assert bool(de.support.check(x).all())
    mean, var = dt.mean.numpy(), dt.variance.numpy()
    se = np.sqrt(var / 20000)
    np.testing.assert_array_less(np.abs(x.mean(0).numpy() - mean), 5 * se + 1e-12)
    np.testing.assert_allclose(x.var(0).numpy(), var, rtol=0.1)
    ember.manual_seed(0)
    assert bool((de.sample((20000,)) == x).all())  # seeded: reproducible


def test_fisher_snedecor_samples():
    d = ember.distributions.FisherSnedecor(ember.tensor([5.0, 10.0], dtype=ember.float64),
                                           ember.tensor([12.0, 30.0], dtype=ember.float64))
    ember.manual_seed(0)
    x = d.sample((20000,))
    np.testing.assert_allclose(x.mean(0).numpy(), d.mean.numpy(), rtol=0.03)
    np.testing.assert_allclose(x.var(0).numpy(), d.variance.numpy(), rtol=0.2)


def test_gamma_cdf():
    # torch has no derivative of gammainc in the concentration: only the rate gets a gradient
    def make(D, p):
        return D.Gamma(p["c"].detach(), p["r"])

    de, dt, pe, pt = both(make, {"c": [[0.5, 2.0, 7.0]], "r": [[1.0], [3.0]]})
    v = [[0.3, 1.0, 9.0], [0.1, 0.5, 2.0]]
    a = de.cdf(ember.tensor(v, dtype=ember.float64))
    b = dt.cdf(torch.tensor(v, dtype=torch.float64))
    close(a, b)
    grads_close(a, b, {"r": pe["r"]}, {"r": pt["r"]}, what="Gamma.cdf")


def test_gamma_rsample_gradient_matches_torch_formula():
    from scipy import special as sps  # oracle only: x(a) at a fixed CDF value is gammaincinv

    alpha = ember.tensor([0.3, 1.0, 4.5, 20.0], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(1)
    torch.manual_seed(1)
    x = ember.distributions.Gamma(alpha, 1.0).rsample()
    xt = torch.distributions.Gamma(torch.tensor(alpha.detach().numpy()), 1.0).rsample()
    assert np.array_equal(x.detach().numpy(), xt.numpy())  # torch's draws
    (g,) = ember.autograd.grad(x.sum(), [alpha])
    a, v, h = alpha.detach().numpy(), x.detach().numpy(), 1e-6
    p = sps.gammainc(a, v)
    exact = (sps.gammaincinv(a + h, p) - sps.gammaincinv(a - h, p)) / (2 * h)
    np.testing.assert_allclose(g.numpy(), exact, rtol=1e-7)
    expected = torch._standard_gamma_grad(torch.tensor(a), torch.tensor(v))
    # torch's formula is itself an approximation (series / rational fit), off by 1.7e-4 here
    np.testing.assert_allclose(g.numpy(), expected.numpy(), rtol=3e-4)


def test_pathwise_gradients_are_unbiased():
    # d/da E[x] for Dirichlet / Beta samples (normalized gammas) against the closed form
    c = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(2)
    x = ember.distributions.Dirichlet(c).rsample((800,))  # gammainc is slow: keep it small
    (g,) = ember.autograd.grad(x[:, 0].mean(), [c])
    expected = np.array([5.0, -1.0, -1.0]) / 36.0
    np.testing.assert_allclose(g.numpy(), expected, atol=0.04)


@pytest.mark.parametrize("pair", ["Gamma", "Beta", "Dirichlet", "Exponential-Gamma",
                                  "Gamma-Exponential", "Gamma-Normal", "Beta-bregman"])
def test_kl(pair):
    arrays = {"a": [0.5, 2.0, 3.0], "b": [1.5, 2.0, 0.7], "c": [2.0, 1.0, 0.4],
              "d": [1.0, 3.0, 2.5]}
    makers = {
        "Gamma": (lambda D, p: D.Gamma(p["a"], p["b"]), lambda D, p: D.Gamma(p["c"], p["d"])),
        "Beta": (lambda D, p: D.Beta(p["a"], p["b"]), lambda D, p: D.Beta(p["c"], p["d"])),
        "Dirichlet": (lambda D, p: D.Dirichlet(p["a"] * p["b"]),
                      lambda D, p: D.Dirichlet(p["c"] + p["d"])),
        "Exponential-Gamma": (lambda D, p: D.Exponential(p["a"]),
                              lambda D, p: D.Gamma(p["c"], p["d"])),
        "Gamma-Exponential": (lambda D, p: D.Gamma(p["a"], p["b"]),
                              lambda D, p: D.Exponential(p["d"])),
        "Gamma-Normal": (lambda D, p: D.Gamma(p["a"], p["b"]),
                         lambda D, p: D.Normal(p["c"], p["d"])),
        "Beta-bregman": (lambda D, p: D.Gamma(p["a"], p["b"]),
                         lambda D, p: D.Gamma(p["c"], p["d"])),
    }
    mp, mq = makers[pair]
    pe_, pt_, pe, pt = both(mp, arrays)
    qe, qt = mq(ember.distributions, pe), mq(torch.distributions, pt)
    if pair == "Beta-bregman":
        a = ember.distributions.kl._kl_expfamily_expfamily(pe_, qe)
        b = torch.distributions.kl._kl_expfamily_expfamily(pt_, qt)
    else:
        a = ember.distributions.kl_divergence(pe_, qe)
        b = torch.distributions.kl_divergence(pt_, qt)
    close(a, b, what=pair)
    grads_close(a, b, pe, pt, what=pair)


# ---- MultivariateNormal ------------------------------------------------------------------------

def _spd(n, batch=()):
    a = np.random.default_rng(5).standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


MVN = {
    "cov": lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["m"]),
    "prec": lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["m"]),
    "tril": lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["m"].tril()),
}


@pytest.mark.parametrize("param", MVN)
def test_multivariate_normal(param):
    arrays = {"loc": [[0.5, -1.0, 2.0]], "m": _spd(3, (2,))}
    de, dt, pe, pt = both(MVN[param], arrays)
    assert de.batch_shape == dt.batch_shape and de.event_shape == dt.event_shape
    assert repr(de) == repr(dt)
    v = np.random.default_rng(1).standard_normal((4, 2, 3))
    outs = [(de.log_prob(ember.tensor(v)), dt.log_prob(torch.tensor(v))),
            (de.entropy(), dt.entropy()), (de.variance, dt.variance),
            (de.covariance_matrix, dt.covariance_matrix),
            (de.precision_matrix, dt.precision_matrix), (de.scale_tril, dt.scale_tril)]
    for a, b in outs:
        close(a, b, rtol=1e-6, atol=1e-8, what=param)
        grads_close(a, b, pe, pt, rtol=1e-6, atol=1e-8, what=param)
    ember.manual_seed(4)
    torch.manual_seed(4)
    a, b = de.rsample((2,)), dt.rsample((2,))
    close(a, b, what="rsample")
    grads_close(a, b, pe, pt, what="rsample")
    close(de.expand((3, 2)).sample(), dt.expand((3, 2)).sample(), what="expand")
    qe = ember.distributions.MultivariateNormal(pe["loc"] * 0.5, scale_tril=pe["m"].tril() * 2)
    qt = torch.distributions.MultivariateNormal(pt["loc"] * 0.5, scale_tril=pt["m"].tril() * 2)
    a = ember.distributions.kl_divergence(de, qe)
    b = torch.distributions.kl_divergence(dt, qt)
    close(a, b, what="kl")
    grads_close(a, b, pe, pt, what="kl")


def test_multivariate_normal_errors():
    for fn in [lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)),
               lambda lib: lib.distributions.MultivariateNormal(lib.zeros(()), lib.eye(2)),
               lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), lib.ones(2)),
               lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), -lib.eye(2))]:
        errs = []
        for lib in (torch, ember):
            with pytest.raises(ValueError) as info:
                fn(lib)
            errs.append(str(info.value).split(" of distribution ")[0])
        assert errs[0] == errs[1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_seeded_gamma_family_samples_are_torchs(dtype):
    c, r = [[0.01, 0.5, 1.0], [3.0, 40.0, 0.2]], [1.0, 2.5, 0.5]
    for make in (lambda D, L: D.Gamma(L.tensor(c, dtype=getattr(L, dtype)), L.tensor(r)),
                 lambda D, L: D.Dirichlet(L.tensor(c, dtype=getattr(L, dtype))),
                 lambda D, L: D.Beta(L.tensor(c[0], dtype=getattr(L, dtype)), 2.0),
                 lambda D, L: D.Chi2(L.tensor(c[1], dtype=getattr(L, dtype)))):
        ember.manual_seed(7)
        torch.manual_seed(7)
        ember.randn(1, dtype=ember.float64)  # leaves a cached normal the sampler must use
        torch.randn(1, dtype=torch.float64)
        a = make(ember.distributions, ember).sample((40,))
        b = make(torch.distributions, torch).sample((40,))
        assert a.dtype == getattr(ember, dtype)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert ember.randn(3, dtype=ember.float64).tolist() == torch.randn(
            3, dtype=torch.float64).tolist()  # the generator is left where torch leaves it


def test_dirichlet_grad_is_torchs_formula():
    from scipy import special as sps  # oracle only: I_x(a, b) is betainc

    from ember.distributions._gamma_sampler import _dirichlet_grad

    rng = np.random.default_rng(0)
    a = np.exp(rng.uniform(-3, 5, 300))
    t = a + np.exp(rng.uniform(-3, 5, 300))
    x = np.clip(rng.beta(a, t - a), 1e-12, 1 - 1e-12)
    ours = _dirichlet_grad(x, a, t)
    b, h = t - a, 1e-6 * a
    d_cdf = (sps.betainc(a + h, b, x) - sps.betainc(a - h, b, x)) / (2 * h)
    pdf = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - sps.betaln(a, b))
    np.testing.assert_allclose(ours, -d_cdf / pdf / (1 - x), rtol=1e-6)
    theirs = torch._dirichlet_grad(torch.tensor(x), torch.tensor(a), torch.tensor(t)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=3e-3)  # torch's is approximated, within 2e-3


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_beta_dirichlet_rsample_gradients_match_torch(dtype):
    def make_beta(D, p):
        return D.Beta(p["a"], p["b"])

    def make_dirichlet(D, p):
        return D.Dirichlet(p["c"])

    for make, arrays in ((make_beta, {"a": [0.5, 2.0, 5.0], "b": [1.5, 0.7, 30.0]}),
                         (make_dirichlet, {"c": [[0.5, 2.0, 1.5], [8.0, 0.3, 12.0]]})):
        pe = {k: ember.tensor(v, dtype=getattr(ember, dtype), requires_grad=True)
              for k, v in arrays.items()}
        pt = {k: torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True)
              for k, v in arrays.items()}
        ember.manual_seed(3)
        torch.manual_seed(3)
        a = make(ember.distributions, pe).rsample((5,))
        b = make(torch.distributions, pt).rsample((5,))
        assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        grads_close(a, b, pe, pt, rtol=3e-3, atol=1e-6, what=make.__name__)


def test_gamma_dirichlet_samplers_edge_values_as_torch():
    # nan concentrations clamp to the smallest normal (C's std::max), tiny ones underflow
    outs = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        g = lib.distributions.Gamma(lib.tensor([-0.5, float("nan"), 2.0], dtype=lib.float64), 1.0,
                                    validate_args=False).sample((2,))
        d = lib.distributions.Dirichlet(lib.tensor([[1.0, float("nan"), 2.0], [1e-3, 1e-3, 1e-3]]),
                                        validate_args=False).sample()
        outs.append((g.numpy(), d.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
