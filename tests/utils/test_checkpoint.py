"""ember.utils.checkpoint against torch.utils.checkpoint: outputs, input and parameter gradients,
dropout masks (the RNG state is replayed in the recomputation), warnings and node names."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint as tcp

import ember
import ember.utils.checkpoint as ecp


def _model(f):
    f.manual_seed(0)
    return f.nn.Sequential(f.nn.Linear(4, 8), f.nn.Tanh(), f.nn.Dropout(0.3), f.nn.Linear(8, 8),
                           f.nn.ReLU(), f.nn.Linear(8, 2))


def _run(f, cp, mode, reentrant, input_grad):
    model = _model(f)
    x = f.from_numpy(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32))
    x.requires_grad_(input_grad)
    g = f.from_numpy(np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32))
    f.manual_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if mode == "checkpoint":
            y = cp.checkpoint(model, x, use_reentrant=reentrant)
        else:
            y = cp.checkpoint_sequential(model, 3, x, use_reentrant=reentrant)
    name = type(y.grad_fn).__name__ if y.grad_fn is not None else None
    if y.requires_grad:
        y.backward(g)
    grads = [p.grad.numpy() if p.grad is not None else None for p in model.parameters()]
    after = f.rand(3).numpy()  # the stream continues where torch's does
    return y.detach().numpy(), x.grad.numpy() if x.grad is not None else None, grads, name, after


@pytest.mark.parametrize("mode", ["checkpoint", "sequential"])
@pytest.mark.parametrize("reentrant", [True, False])
@pytest.mark.parametrize("input_grad", [True, False])
def test_same_values_gradients_and_stream_as_torch(mode, reentrant, input_grad):
    want = _run(torch, tcp, mode, reentrant, input_grad)
    got = _run(ember, ecp, mode, reentrant, input_grad)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    for a, b in zip((got[1], *got[2]), (want[1], *want[2])):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    if reentrant or mode == "sequential":
        assert got[3] == want[3]
    np.testing.assert_array_equal(got[4], want[4])


def test_missing_use_reentrant_warns_as_torch():
    model = _model(ember)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        ecp.checkpoint(model, ember.ones(2, 4, requires_grad=True))
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        ecp.checkpoint(model, ember.ones(2, 4), use_reentrant=True)


def test_unexpected_kwargs_raise_valueerror_as_torch():
    with pytest.raises(ValueError) as want:
        tcp.checkpoint(_model(torch), torch.ones(2, 4), use_reentrant=True, foo=1)
    with pytest.raises(ValueError) as got:
        ecp.checkpoint(_model(ember), ember.ones(2, 4), use_reentrant=True, foo=1)
    assert str(got.value) == str(want.value)
