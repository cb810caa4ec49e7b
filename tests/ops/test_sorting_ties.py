"""Tie order of sort/argsort/topk/kthvalue/mode against torch's CPU kernels: inputs full of
equal values (and NaN, signed zeros), lengths on both sides of std::sort's 16-element insertion
threshold and of topk's k * 64 <= n partial-sort switch; values and indices must be equal."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember


def _input(seed: int, shape, kind: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "int":
        return rng.integers(-2, 2, shape).astype(np.int64)
    x = rng.integers(0, 3, shape).astype(np.float32)
    if kind == "nan":
        x[rng.random(shape) < 0.25] = np.nan
    elif kind == "zeros":
        x = rng.choice([0.0, -0.0, 1.0], shape).astype(np.float32)
    return x


def _same(fn, x):
    t = fn(torch, torch.tensor(x))
    e = fn(ember, ember.tensor(x))
    t, e = (t if isinstance(t, tuple) else (t,)), (e if isinstance(e, tuple) else (e,))
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert tuple(a.shape) == tuple(b.shape)


SHAPES = [(9,), (17,), (40,), (130,), (3, 33), (70, 4)]
KINDS = ["float", "nan", "zeros", "int"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", KINDS)
def test_sort_family_ties(shape, kind):
    x = _input(len(shape) * 100 + shape[0], shape, kind)
    dim = -1 if shape[-1] > 4 else 0
    for d in (False, True):
        _same(lambda lib, t, d=d: lib.sort(t, dim, d), x)
        _same(lambda lib, t, d=d: lib.sort(t, stable=True, dim=dim, descending=d), x)
        _same(lambda lib, t, d=d: lib.argsort(t, dim, d), x)
    _same(lambda lib, t: lib.msort(t), x)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", KINDS)
def test_topk_ties(shape, kind):
    x = _input(shape[0] + 7, shape, kind)
    dim = -1 if shape[-1] > 4 else 0
    n = shape[dim]
    for k in sorted({1, 2, max(1, n // 64), n // 2 or 1, n}):
        for largest in (True, False):
            for sorted_ in (True, False):
                _same(lambda lib, t, a=(k, dim, largest, sorted_): lib.topk(t, *a), x)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", KINDS)
def test_kthvalue_mode_median_ties(shape, kind):
    x = _input(shape[0] + 11, shape, kind)
    dim = -1 if shape[-1] > 4 else 0
    n = shape[dim]
    for k in sorted({1, n // 3 or 1, n}):
        _same(lambda lib, t, k=k: lib.kthvalue(t, k, dim), x)
    _same(lambda lib, t: lib.mode(t, dim), x)
    _same(lambda lib, t: lib.median(t, dim), x)
    _same(lambda lib, t: lib.nanmedian(t, dim), x)


def test_grad_flows_through_replayed_order():
    x = _input(3, (2, 40), "float")
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    g = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    torch.topk(tx, 5, largest=False, sorted=False).values.backward(torch.tensor(g))
    ember.topk(ex, 5, largest=False, sorted=False).values.backward(ember.tensor(g))
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
