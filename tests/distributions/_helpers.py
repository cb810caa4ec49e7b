"""Differential helpers: build one distribution under torch and ember, compare what it computes."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember


def params(arrays: dict, lib, grad: bool = True) -> dict:
    """The same float64 parameter tensors (leaves needing grad) under `lib`."""
    return {k: lib.tensor(np.asarray(v, dtype=np.float64), requires_grad=grad)
            for k, v in arrays.items()}


def close(a, b, rtol=1e-6, atol=1e-8, what="") -> None:
    """Assert an ember and a torch result agree in shape, dtype and value."""
    assert tuple(a.shape) == tuple(b.shape), (what, tuple(a.shape), tuple(b.shape))
    assert str(a.dtype) == str(b.dtype), (what, a.dtype, b.dtype)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol,
                               equal_nan=True, err_msg=what)


def both(make, arrays: dict, grad: bool = True):
    """(ember distribution, torch distribution, ember params, torch params)."""
    pe, pt = params(arrays, ember, grad), params(arrays, torch, grad)
    return make(ember.distributions, pe), make(torch.distributions, pt), pe, pt


def grads_close(out_e, out_t, pe, pt, rtol=1e-6, atol=1e-8, what="") -> None:
    """Backpropagate the same random upstream through both and compare parameter gradients."""
    assert out_e.requires_grad == out_t.requires_grad, what
    if not out_t.requires_grad:
        return
    up = np.random.default_rng(0).standard_normal(tuple(out_t.shape))
    keys = [k for k in pt if pt[k].requires_grad]
    ge = ember.autograd.grad(out_e, [pe[k] for k in keys], ember.tensor(up),
                             retain_graph=True, allow_unused=True)
    gt = torch.autograd.grad(out_t, [pt[k] for k in keys], torch.tensor(up),
                             retain_graph=True, allow_unused=True)
    for k, a, b in zip(keys, ge, gt):
        if b is None:
            assert a is None or not np.any(a.numpy()), (what, k)
            continue
        close(a, b, rtol, atol, f"{what} d/d{k}")


def compare_values(name, make, arrays, values, cdf: bool = True,
                   stats=("mean", "variance", "stddev", "mode")) -> None:
    """Shapes, repr, support, log_prob, entropy, moments (and cdf) with their gradients."""
    de, dt, pe, pt = both(make, arrays)
    assert de.batch_shape == dt.batch_shape and de.event_shape == dt.event_shape
    assert repr(de) == repr(dt) and repr(de.support) == repr(dt.support)
    assert de.has_rsample == dt.has_rsample
    ve, vt = ember.tensor(values, dtype=ember.float64), torch.tensor(values, dtype=torch.float64)
    outs = [("log_prob", de.log_prob(ve), dt.log_prob(vt))]
    try:
        entropy_t = dt.entropy()
    except NotImplementedError:  # torch raises: so must ember
        with pytest.raises(NotImplementedError):
            de.entropy()
    else:
        outs.append(("entropy", de.entropy(), entropy_t))
    for stat in stats:
        outs.append((stat, getattr(de, stat), getattr(dt, stat)))
    if cdf:
        outs.append(("cdf", de.cdf(ve), dt.cdf(vt)))
    for what, a, b in outs:
        close(a, b, what=f"{name}.{what}")
        grads_close(a, b, pe, pt, what=f"{name}.{what}")
