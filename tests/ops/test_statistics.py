"""Differential tests for ember/ops/statistics.py: cov/corrcoef, diff, quantile family,
logcumsumexp, renorm (values and gradients) and isin/bincount/histc/histogram (values)."""
import warnings

import numpy as np
import pytest

import ember.ops.statistics as S
from tests.oracle import check, check_raises

DTYPES = ["float32", "float64"]


def _fn(lib, name):
    """torch.<name> or ember.ops.statistics.<name>."""
    return getattr(lib, name) if lib.__name__ == "torch" else getattr(S, name)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cov(dtype):
    check(lambda lib, x: _fn(lib, "cov")(x), shapes=[(3, 5)], dtype=dtype, grad2=True)
    check(lambda lib, x: _fn(lib, "cov")(x, correction=0), shapes=[(6,)], dtype=dtype)
    with warnings.catch_warnings(record=True) as seen:  # both libraries warn once
        warnings.simplefilter("always")
        check(lambda lib, x: _fn(lib, "cov")(x), shapes=[(1, 1)], dtype=dtype)
    assert sum("degrees of freedom" in str(w.message) for w in seen) == 2
    fw, aw = np.array([1, 2, 0, 3, 1]), np.array([0.5, 1.0, 2.0, 0.1, 0.7], dtype=dtype)
    x = np.random.default_rng(1).normal(size=(2, 5)).astype(dtype)
    for kw in ({"fweights": 0}, {"aweights": 1}, {"fweights": 0, "aweights": 1, "correction": 2}):
        check(lambda lib, x, f, a, kw=kw: _fn(lib, "cov")(
            x, **{k: (f, a)[v] if k != "correction" else v for k, v in kw.items()}),
            inputs=[x, fw, aw])
    check(lambda lib, x: _fn(lib, "cov")(x), inputs=[np.array([[1, 2, 4], [3, 1, 0]])])


def test_cov_errors():
    check_raises(lambda lib, x: _fn(lib, "cov")(x), shapes=[(2, 3, 4)])
    check_raises(lambda lib, x, w: _fn(lib, "cov")(x, fweights=w),
                 inputs=[np.ones((2, 3), np.float32), np.array([1, -1, 2])])
    check_raises(lambda lib, x, w: _fn(lib, "cov")(x, aweights=w),
                 inputs=[np.ones((2, 3), np.float32), np.ones(4, np.float32)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_corrcoef(dtype):
    check(lambda lib, x: _fn(lib, "corrcoef")(x), shapes=[(4, 6)], dtype=dtype)
    check(lambda lib, x: _fn(lib, "corrcoef")(x), shapes=[(6,)], dtype=dtype)
    check(lambda lib, x: _fn(lib, "corrcoef")(x), inputs=[np.array([[1, 2, 3], [3, 1, 0]])])


@pytest.mark.parametrize("n,dim", [(1, -1), (2, 0), (3, 1), (0, 1), (5, 1)])
def test_diff(n, dim):
    check(lambda lib, x: _fn(lib, "diff")(x, n, dim), shapes=[(4, 3)], dtype="float64")
    check(lambda lib, x, p, a: _fn(lib, "diff")(x, n, dim, prepend=p, append=a),
          shapes=[(4, 3), (4, 3), (4, 3)])


def test_diff_types():
    check(lambda lib, x: _fn(lib, "diff")(x), inputs=[np.array([True, False, False, True])])
    check(lambda lib, x: _fn(lib, "diff")(x, 2), inputs=[np.array([1, 3, 6, 10])])
    check(lambda lib, x, p: _fn(lib, "diff")(x, prepend=p),
          inputs=[np.array([1, 3, 6]), np.array([0])])
    check_raises(lambda lib, x: _fn(lib, "diff")(x), shapes=[()])


QS = [0.0, 0.3, 0.5, 1.0]


@pytest.mark.parametrize("mode", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile(name, mode):
    f = lambda lib, x, q: _fn(lib, name)(x, q, 1, interpolation=mode)
    check(f, inputs=[np.random.default_rng(0).normal(size=(3, 7)), np.array(QS)])
    check(lambda lib, x: _fn(lib, name)(x, 0.4, dim=0, keepdim=True, interpolation=mode),
          shapes=[(5, 2)])
    check(lambda lib, x, q: _fn(lib, name)(x, q, keepdim=True, interpolation=mode),
          inputs=[np.arange(6.0).reshape(2, 3), np.array(QS)])
    check(lambda lib, x: _fn(lib, name)(x, 0.25, interpolation=mode), shapes=[(4, 4)])
    check(lambda lib, x: _fn(lib, name)(x, 0.7, dim=0, interpolation=mode), shapes=[()])
    nan = np.array([[1.0, np.nan, 3.0, 0.5], [np.nan] * 4, [2.0, 1.0, 4.0, 3.0]])
    check(lambda lib, x: _fn(lib, name)(x, 0.3, dim=1, interpolation=mode), inputs=[nan],
          grad=False)


def test_quantile_errors():
    check_raises(lambda lib, x: _fn(lib, "quantile")(x, 1.5), shapes=[(3,)])
    check_raises(lambda lib, x: _fn(lib, "quantile")(x, 0.5), shapes=[(0,)])
    check_raises(lambda lib, x: _fn(lib, "quantile")(x, 0.5), inputs=[np.array([1, 2])])
    check_raises(lambda lib, x: _fn(lib, "quantile")(x, 0.5, interpolation="x"), shapes=[(3,)])
    check_raises(lambda lib, x, q: _fn(lib, "quantile")(x, q),
                 inputs=[np.ones(3), np.ones(2, np.float32) / 2])


@pytest.mark.parametrize("dtype", DTYPES)
def test_logcumsumexp(dtype):
    check(lambda lib, x: _fn(lib, "logcumsumexp")(x, 1), shapes=[(3, 5)], dtype=dtype, low=-5,
          high=5, grad2=dtype == "float64")
    check(lambda lib, x: _fn(lib, "logcumsumexp")(x, 0), shapes=[()], dtype=dtype)
    x = np.array([-1e4, 800.0, -np.inf, 1.0, 1e4], dtype=dtype)
    check(lambda lib, x: _fn(lib, "logcumsumexp")(x, 0), inputs=[x], grad=False)
    check_raises(lambda lib, x: _fn(lib, "logcumsumexp")(x, 0), inputs=[np.array([1, 2, 3])])


@pytest.mark.parametrize("p", [1, 2, 3.5, float("inf")])
def test_renorm(p):
    check(lambda lib, x: _fn(lib, "renorm")(x, p, 1, 1.5), shapes=[(3, 4, 2)], dtype="float64")
    check(lambda lib, x: _fn(lib, "renorm")(x, p, 0, 0.5), shapes=[(3, 4)])


def test_isin():
    e, t = np.array([[1, 2, 3], [4, 5, 1]]), np.array([1, 5, 9])
    for invert in (False, True):
        check(lambda lib, e, t, inv=invert: _fn(lib, "isin")(e, t, invert=inv), inputs=[e, t])
    check(lambda lib, e: _fn(lib, "isin")(e, 2), inputs=[e])
    check(lambda lib, t: _fn(lib, "isin")(3, t), inputs=[t])
    check(lambda lib, e, t: _fn(lib, "isin")(e, t), inputs=[np.array([0.5, 1.0]), np.array([1.0])])


def test_bincount():
    x = np.array([1, 3, 1, 0, 7])
    check(lambda lib, x: _fn(lib, "bincount")(x), inputs=[x])
    check(lambda lib, x: _fn(lib, "bincount")(x, minlength=10), inputs=[x])
    check(lambda lib, x: _fn(lib, "bincount")(x), inputs=[np.array([], np.int64)])
    for w in (np.arange(5, dtype=np.float32), np.arange(5.0), np.arange(5)):
        check(lambda lib, x, w: _fn(lib, "bincount")(x, w), inputs=[x, w], grad=False)
    check_raises(lambda lib, x: _fn(lib, "bincount")(x), inputs=[np.array([1, -1])])
    check_raises(lambda lib, x: _fn(lib, "bincount")(x), inputs=[np.array([[1]])])


@pytest.mark.parametrize("dtype", DTYPES)
def test_histc(dtype):
    x = np.random.default_rng(2).normal(size=50).astype(dtype)
    check(lambda lib, x: _fn(lib, "histc")(x, 7, -1, 1), inputs=[x], grad=False)
    check(lambda lib, x: _fn(lib, "histc")(x, 10), inputs=[x], grad=False)
    check(lambda lib, x: _fn(lib, "histc")(x, 4), inputs=[np.ones(3, dtype)], grad=False)
    check_raises(lambda lib, x: _fn(lib, "histc")(x), inputs=[np.array([1, 2])])
    check_raises(lambda lib, x: _fn(lib, "histc")(x, 3, 2, 1), inputs=[x])


@pytest.mark.parametrize("density", [False, True])
def test_histogram(density):
    x = np.random.default_rng(3).normal(size=40).astype(np.float32)
    w = np.random.default_rng(4).uniform(size=40).astype(np.float32)
    check(lambda lib, x: _fn(lib, "histogram")(x, 6, density=density), inputs=[x], grad=False)
    check(lambda lib, x, w: _fn(lib, "histogram")(x, 5, range=(-1.0, 1.0), weight=w,
                                                  density=density), inputs=[x, w], grad=False)
    edges = np.array([-2.0, -0.5, 0.0, 0.3, 2.0], np.float32)
    check(lambda lib, x, b: _fn(lib, "histogram")(x, b, density=density), inputs=[x, edges],
          grad=False)


def test_histogramdd():
    x = np.random.default_rng(5).normal(size=(30, 2)).astype(np.float32)
    check(lambda lib, x: _fn(lib, "histogramdd")(x, [3, 4]), inputs=[x], grad=False)
    check(lambda lib, x: _fn(lib, "histogramdd")(x, 3, range=[-1.0, 1.0, -2.0, 2.0],
                                                 density=True), inputs=[x], grad=False)
