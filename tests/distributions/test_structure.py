"""Validation errors, constraints, Independent, TransformedDistribution, transforms and KL."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
from tests.distributions._helpers import both, close, grads_close


def _raises_same(fn):
    """fn(lib) raises under both libraries with the same type and message."""
    errs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            fn(lib)
        errs.append(info.value)
    assert type(errs[0]) is type(errs[1])
    assert str(errs[0]).replace("torch.", "") == str(errs[1]).replace("torch.", ""), errs


@pytest.mark.parametrize("fn", [
    lambda lib: lib.distributions.Normal(lib.tensor([0.0]), lib.tensor([-1.0])),
    lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob(0.5),
    lambda lib: lib.distributions.Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2)),
    lambda lib: lib.distributions.Exponential(lib.tensor([1.0])).log_prob(lib.tensor([-1.0])),
    lambda lib: lib.distributions.Bernoulli(probs=0.5, logits=0.0),
    lambda lib: lib.distributions.Bernoulli(lib.tensor([0.5])).log_prob(lib.tensor([0.5])),
    lambda lib: lib.distributions.Categorical(probs=lib.tensor(0.5)),
    lambda lib: lib.distributions.Categorical(lib.tensor([0.5, 0.5])).log_prob(lib.tensor(2)),
    lambda lib: lib.distributions.Uniform(lib.tensor([1.0]), lib.tensor([0.0])),
    lambda lib: lib.distributions.Independent(lib.distributions.Normal(0.0, 1.0), 1),
    lambda lib: lib.distributions.kl_divergence(lib.distributions.Normal(0.0, 1.0),
                                                lib.distributions.Bernoulli(0.5)),
    lambda lib: lib.distributions.TransformedDistribution(lib.distributions.Normal(0.0, 1.0), 3),
])
def test_errors(fn):
    _raises_same(fn)


def test_validate_args_off():
    for lib in (torch, ember):
        d = lib.distributions.Normal(lib.tensor([0.0]), lib.tensor([-1.0]), validate_args=False)
        assert d.log_prob(lib.tensor([1.0])).isnan().all()


CONSTRAINTS = ["real", "positive", "nonnegative", "unit_interval", "boolean", "simplex",
               "nonnegative_integer", "positive_integer", "real_vector", "lower_triangular",
               "lower_cholesky", "positive_definite", "symmetric", "square", "corr_cholesky",
               "one_hot", "positive_semidefinite"]


@pytest.mark.parametrize("name", CONSTRAINTS)
def test_constraints(name):
    vals = np.array([[[1.0, 0.0], [0.3, 0.7]], [[0.0, 0.0], [-1.0, 2.0]],
                     [[2.0, 0.5], [0.5, 1.0]], [[float("nan"), 1.0], [0.0, 1.0]]])
    ce, ct = getattr(ember.distributions.constraints, name), getattr(
        torch.distributions.constraints, name)
    assert repr(ce) == repr(ct) and ce.event_dim == ct.event_dim
    assert ce.is_discrete == ct.is_discrete
    close(ce.check(ember.tensor(vals)), ct.check(torch.tensor(vals)), what=name)


def test_parametrized_constraints():
    C, T = ember.distributions.constraints, torch.distributions.constraints
    x = [-1.0, 0.0, 0.5, 1.0, 3.0]
    for make in [lambda c: c.interval(0.0, 1.0), lambda c: c.half_open_interval(0.0, 1.0),
                 lambda c: c.greater_than(0.5), lambda c: c.greater_than_eq(0.5),
                 lambda c: c.less_than(1.0), lambda c: c.integer_interval(0, 2),
                 lambda c: c.independent(c.positive, 1), lambda c: c.cat([c.real, c.positive],
                                                                       0, [2, 3]),
                 lambda c: c.stack([c.real] * 4 + [c.positive], 0)]:
        ce, ct = make(C), make(T)
        assert repr(ce).split(" at ")[0] == repr(ct).split(" at ")[0]
        close(ce.check(ember.tensor(x)), ct.check(torch.tensor(x)))
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)


def test_independent():
    arrays = {"loc": [[0.0, 1.0, 2.0], [0.5, -1.0, 0.0]], "scale": [[1.0, 2.0, 0.5]]}
    de, dt, pe, pt = both(lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1), arrays)
    assert de.batch_shape == dt.batch_shape and de.event_shape == dt.event_shape
    assert repr(de) == repr(dt) and repr(de.support) == repr(dt.support)
    v = np.array([[0.1, 0.2, 0.3]])
    for a, b in [(de.log_prob(ember.tensor(v)), dt.log_prob(torch.tensor(v))),
                 (de.entropy(), dt.entropy()), (de.mean, dt.mean)]:
        close(a, b)
        grads_close(a, b, pe, pt)
    ember.manual_seed(1)
    torch.manual_seed(1)
    close(de.rsample((2,)), dt.rsample((2,)))
    close(de.expand((4, 2)).sample(), dt.expand((4, 2)).sample())


TRANSFORMS = {
    "Exp": (lambda T, p: T.ExpTransform(), (2, 3)),
    "Sigmoid": (lambda T, p: T.SigmoidTransform(), (2, 3)),
    "Tanh": (lambda T, p: T.TanhTransform(), (2, 3)),
    "Softplus": (lambda T, p: T.SoftplusTransform(), (2, 3)),
    "Affine": (lambda T, p: T.AffineTransform(p["a"], p["b"]), (2, 3)),
    "AffineScalar": (lambda T, p: T.AffineTransform(1.5, -2.0, event_dim=1), (2, 3)),
    "Power": (lambda T, p: T.ComposeTransform([T.ExpTransform(), T.PowerTransform(p["b"])]),
              (2, 3)),
    "StickBreaking": (lambda T, p: T.StickBreakingTransform(), (2, 3)),
    "LowerCholesky": (lambda T, p: T.LowerCholeskyTransform(), (2, 3, 3)),
    "CorrCholesky": (lambda T, p: T.CorrCholeskyTransform(), (2, 6)),
    "Compose": (lambda T, p: T.ComposeTransform([T.AffineTransform(p["a"], 2.0),
                                                 T.SigmoidTransform()]), (2, 3)),
    "Independent": (lambda T, p: T.IndependentTransform(T.ExpTransform(), 1), (2, 3)),
    "Reshape": (lambda T, p: T.ReshapeTransform((2, 3), (6,)), (2, 3)),
    "Inverse": (lambda T, p: T.ExpTransform().inv, (2, 3)),
    "Cat": (lambda T, p: T.CatTransform([T.ExpTransform(), T.TanhTransform()], 1, [1, 2]),
            (2, 3)),
    "Stack": (lambda T, p: T.StackTransform([T.ExpTransform(), T.SigmoidTransform()], 0),
              (2, 3)),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transforms(name):
    make, shape = TRANSFORMS[name]
    arrays = {"a": [0.5, -1.0, 2.0], "b": [2.0, 0.5, -1.5]}
    te, tt, pe, pt = both(lambda D, p: make(D.transforms, p), arrays)
    x = np.random.default_rng(0).uniform(0.1, 0.9, shape)
    if name == "Inverse":
        x = x + 0.5
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ye, yt = te(xe), tt(xt)
    close(ye, yt, what="forward")
    close(te.inv(ye), tt.inv(yt), what="inverse")
    pe["x"], pt["x"] = xe, xt
    if name != "LowerCholesky":  # torch defines no log_abs_det_jacobian for it
        le, lt = te.log_abs_det_jacobian(xe, ye), tt.log_abs_det_jacobian(xt, yt)
        close(le, lt, what="log_abs_det_jacobian")
        grads_close(le, lt, pe, pt, what="ladj")
    assert repr(te) == repr(tt)
    assert repr(te.domain) == repr(tt.domain) and repr(te.codomain) == repr(tt.codomain)
    assert te.bijective == tt.bijective
    assert tuple(te.forward_shape(shape)) == tuple(tt.forward_shape(shape))


def test_transformed_distribution():
    arrays = {"loc": [0.0, 1.0], "scale": [1.0, 0.5]}

    def make(D, p):
        T = D.transforms
        return D.TransformedDistribution(D.Normal(p["loc"], p["scale"]),
                                         [T.AffineTransform(1.0, -2.0), T.SigmoidTransform()])

    de, dt, pe, pt = both(make, arrays)
    assert repr(de.support) == repr(dt.support) and de.batch_shape == dt.batch_shape
    v = [[0.2, 0.7]]
    for a, b in [(de.log_prob(ember.tensor(v, dtype=ember.float64)),
                  dt.log_prob(torch.tensor(v, dtype=torch.float64))),
                 (de.cdf(ember.tensor(v, dtype=ember.float64)),
                  dt.cdf(torch.tensor(v, dtype=torch.float64))),
                 (de.icdf(ember.tensor(v, dtype=ember.float64)),
                  dt.icdf(torch.tensor(v, dtype=torch.float64)))]:
        close(a, b)
        grads_close(a, b, pe, pt)
    ember.manual_seed(2)
    torch.manual_seed(2)
    close(de.rsample((3,)), dt.rsample((3,)))
    close(de.expand((3, 2)).sample(), dt.expand((3, 2)).sample())


KL_PAIRS = {
    "Normal": (lambda D, p: D.Normal(p["a"], p["b"]), lambda D, p: D.Normal(p["c"], p["d"])),
    "Laplace": (lambda D, p: D.Laplace(p["a"], p["b"]), lambda D, p: D.Laplace(p["c"], p["d"])),
    "Cauchy": (lambda D, p: D.Cauchy(p["a"], p["b"]), lambda D, p: D.Cauchy(p["c"], p["d"])),
    "Exponential": (lambda D, p: D.Exponential(p["b"]), lambda D, p: D.Exponential(p["d"])),
    "Uniform": (lambda D, p: D.Uniform(p["a"], p["a"] + p["b"]),
                lambda D, p: D.Uniform(p["a"] - 0.5, p["a"] + p["d"])),
    "Bernoulli": (lambda D, p: D.Bernoulli(p["b"] / 4), lambda D, p: D.Bernoulli(p["d"] / 4)),
    "Categorical": (lambda D, p: D.Categorical(p["b"]), lambda D, p: D.Categorical(logits=p["c"])),
    "LogNormal": (lambda D, p: D.LogNormal(p["a"], p["b"]), lambda D, p: D.LogNormal(p["c"],
                                                                                     p["d"])),
    "Independent": (lambda D, p: D.Independent(D.Normal(p["a"], p["b"]), 1),
                    lambda D, p: D.Independent(D.Normal(p["c"], p["d"]), 1)),
    "Uniform-Normal": (lambda D, p: D.Uniform(p["a"], p["a"] + p["b"]),
                       lambda D, p: D.Normal(p["c"], p["d"])),
    "Uniform-Exponential": (lambda D, p: D.Uniform(p["b"], p["b"] + 1.0),
                            lambda D, p: D.Exponential(p["d"])),
    "Normal-Laplace": (lambda D, p: D.Normal(p["a"], p["b"]),
                       lambda D, p: D.Laplace(p["c"], p["d"])),
    "Laplace-Normal": (lambda D, p: D.Laplace(p["a"], p["b"]),
                       lambda D, p: D.Normal(p["c"], p["d"])),
    "Exponential-Normal": (lambda D, p: D.Exponential(p["b"]),
                           lambda D, p: D.Normal(p["c"], p["d"])),
    "Normal-Uniform": (lambda D, p: D.Normal(p["a"], p["b"]),
                       lambda D, p: D.Uniform(p["c"], p["c"] + 1.0)),
}


@pytest.mark.parametrize("name", KL_PAIRS)
def test_kl(name):
    mp, mq = KL_PAIRS[name]
    arrays = {"a": [0.0, 1.0, -0.5], "b": [1.0, 0.5, 2.0], "c": [0.5, 1.0, 0.0],
              "d": [2.0, 0.25, 1.0]}
    pe_, pt_, pe, pt = both(mp, arrays)
    qe = mq(ember.distributions, pe)
    qt = mq(torch.distributions, pt)
    a, b = ember.distributions.kl_divergence(pe_, qe), torch.distributions.kl_divergence(pt_, qt)
    close(a, b, what=name)
    if not torch.isinf(b).any():
        grads_close(a, b, pe, pt, what=name)


def test_kl_infinite_and_register():
    D = ember.distributions
    kl = D.kl_divergence(D.Uniform(ember.tensor([0.0]), ember.tensor([2.0])),
                         D.Uniform(ember.tensor([0.5]), ember.tensor([3.0])))
    assert math.isinf(kl.item())

    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return ember.zeros(())

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 0.0
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


@pytest.mark.parametrize("name", ["real", "positive", "nonnegative", "unit_interval", "simplex",
                                  "real_vector", "lower_cholesky", "positive_definite",
                                  "corr_cholesky", "gt", "lt", "interval", "cat", "stack"])
def test_biject_to_transform_to(name):
    def pick(C):
        return {"gt": C.greater_than(1.5), "lt": C.less_than(-1.0),
                "interval": C.interval(-1.0, 3.0),
                "cat": C.cat([C.positive, C.real], 0, [1, 1]),
                "stack": C.stack([C.unit_interval, C.positive], 0)}.get(name) or getattr(C, name)

    x = np.random.default_rng(2).standard_normal((2, 3, 3) if name in (
        "lower_cholesky", "positive_definite") else (2, 3))
    for reg in ("biject_to", "transform_to"):
        fe = getattr(ember.distributions, reg)
        ft = getattr(torch.distributions, reg)
        ce, ct = pick(ember.distributions.constraints), pick(torch.distributions.constraints)
        try:
            tt = ft(ct)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                fe(ce)
            continue
        te = fe(ce)
        assert repr(te) == repr(tt)
        close(te(ember.tensor(x)), tt(torch.tensor(x)), what=f"{reg}({name})")
