"""nn.utils: clip_grad_norm_/clip_grad_value_/get_total_norm and parameters_to_vector /
vector_to_parameters, differential against torch on the same gradients."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, to_ember, to_torch

LIBS = (torch, ember)


def _grads(seed=0, scale=1.0, dtypes=("float32", "float32", "float64")):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (5,), (2, 1, 2), (), (0, 3)]
    return [(rng.normal(size=s) * scale).astype(d) for s, d in zip(shapes, dtypes * 2)]


def _params(lib, grads, missing=()):
    ps = []
    for i, g in enumerate(grads):
        p = lib.nn.Parameter(lib.zeros(g.shape, dtype=getattr(lib, str(g.dtype))))
        if i not in missing:
            p.grad = lib.tensor(g.copy())
        ps.append(p)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, 0.5, math.inf, -math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm(norm_type, max_norm):
    g = _grads()
    res = {}
    for lib in LIBS:
        nt = float(norm_type) if norm_type == "inf" else norm_type
        # an empty gradient has no inf norm (torch raises, tested below)
        ps = _params(lib, g, missing=(1, 4) if math.isinf(float(nt)) else (1,))
        total = lib.nn.utils.clip_grad_norm_(ps, max_norm, nt)
        res[lib] = [total] + [p.grad for p in ps if p.grad is not None]
    assert_same(res[ember], res[torch])


@pytest.mark.parametrize("norm_type", [math.inf, -math.inf])
def test_clip_grad_norm_inf_of_empty_raises(norm_type):
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="empty tensor"):
            lib.nn.utils.clip_grad_norm_(_params(lib, _grads()), 1.0, norm_type)


def test_clip_grad_norm_single_tensor_generator_and_empty():
    g = _grads(1)[:2]
    res = {}
    for lib in LIBS:
        ps = _params(lib, g)
        a = lib.nn.utils.clip_grad_norm_(ps[0], 0.1)
        m = lib.nn.Module()
        m.p, m.q = ps
        b = lib.nn.utils.clip_grad_norm_(m.parameters(), 0.2, norm_type=1.0)
        empty = lib.nn.utils.clip_grad_norm_([lib.nn.Parameter(lib.ones(2))], 1.0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.utils.clip_grad_norm_((p for p in []), 1.0)
        res[lib] = [a, b, empty, ps[0].grad, ps[1].grad, len(w)]
    assert_same(res[ember][:-1], res[torch][:-1])
    assert res[ember][-1] == res[torch][-1] == 1


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_clip_grad_norm_nonfinite(bad):
    g = _grads(2)[:2]
    g[0][0, 0] = bad
    out = {}
    for lib in LIBS:
        ps = _params(lib, g)
        try:
            lib.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
        except RuntimeError as exc:
            out[lib] = str(exc)
        ps = _params(lib, g)
        total = lib.nn.utils.clip_grad_norm_(ps, 1.0, foreach=False)
        out[lib, "scaled"] = [total, ps[0].grad, ps[1].grad]
    assert out[ember] == out[torch]
    assert_same(out[ember, "scaled"], out[torch, "scaled"])


def test_get_total_norm_and_clip_grads_with_norm():
    g = _grads(3)
    res = {}
    for lib in LIBS:
        ps = _params(lib, g)
        total = lib.nn.utils.get_total_norm([p.grad for p in ps], 3.0)
        lib.nn.utils.clip_grads_with_norm_(ps, 0.25, total)
        res[lib] = [total] + [p.grad for p in ps]
    assert_same(res[ember], res[torch])


@pytest.mark.parametrize("clip", [0.3, 1, 10.0])
def test_clip_grad_value(clip):
    g = _grads(4, scale=2.0)
    res = {}
    for lib in LIBS:
        ps = _params(lib, g, missing=(2,))
        assert lib.nn.utils.clip_grad_value_(ps, clip) is None
        lib.nn.utils.clip_grad_value_(ps[0], clip / 2)
        res[lib] = [p.grad for p in ps if p.grad is not None]
    assert_same(res[ember], res[torch])


def test_clip_grad_norm_after_backward():
    rng = np.random.default_rng(5)
    w, x = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(2, 4)).astype(np.float32)
    res = {}
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor(w))
        (lib.tensor(x) @ p).pow(2).sum().backward()
        total = lib.nn.utils.clip_grad_norm_([p], 1.0)
        res[lib] = [total, p.grad, p.grad.norm()]
    assert_same(res[ember], res[torch])


def test_roundtrip_with_oracle_helpers():
    t = torch.nn.Parameter(torch.randn(3, 2))
    e = ember.nn.Parameter(to_ember(t.detach()))
    assert_same(ember.nn.utils.parameters_to_vector([e]), torch.nn.utils.parameters_to_vector([t]))
    assert to_torch(e).requires_grad
