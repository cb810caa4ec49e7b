"""nn.utils.parametrizations.orthogonal against torch: the three maps, square/tall/wide and batched
weights, float32/float64/complex, with and without trivialization: the orthogonal weight after
registration (seeded randn completion included), forward and gradients of the stored parameter
over a few SGD steps, state_dict keys, assignment, and torch's errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, to_ember

CASES = [  # (weight shape, map, use_trivialization, dtype)
    ((4, 4), None, True, "float64"),
    ((5, 3), None, True, "float64"),  # tall: householder by default
    ((3, 5), None, True, "float32"),  # wide: transposed inside
    ((4, 4), "cayley", True, "float64"),
    ((5, 3), "matrix_exp", True, "float64"),
    ((5, 3), "cayley", True, "float32"),
    ((2, 4, 3), "householder", True, "float64"),  # batched
    ((4, 4), "householder", False, "float64"),
    ((5, 3), "householder", False, "float64"),
    ((3, 3), "matrix_exp", False, "float64"),
    ((4, 4), None, True, "complex128"),
]


class Holder:
    """A module holding one weight parameter of a given shape (both frameworks)."""

    @staticmethod
    def make(lib, shape, dtype, values):
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.tensor(values, dtype=getattr(lib, dtype)))
        return m


def _both(shape, orth_map, triv, dtype, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape)
    if dtype.startswith("complex"):
        values = values + 1j * rng.normal(size=shape)
    mods = []
    for lib in (torch, ember):
        lib.manual_seed(3)
        m = Holder.make(lib, shape, dtype, values)
        lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map=orth_map,
                                                 use_trivialization=triv)
        mods.append(m)
    return mods


@pytest.mark.parametrize("shape,orth_map,triv,dtype", CASES)
def test_orthogonal_matches_torch_through_training(shape, orth_map, triv, dtype):
    t, e = _both(shape, orth_map, triv, dtype)
    assert sorted(e.state_dict()) == sorted(t.state_dict())
    for k, v in t.state_dict().items():
        assert_same(e.state_dict()[k], v, where=f"state {k}", rtol=1e-5, atol=1e-6)
    w = e.weight.detach().numpy()
    k = min(shape[-2:])
    gram = w.conj().swapaxes(-1, -2) @ w if shape[-2] >= shape[-1] else w @ w.conj().swapaxes(-1, -2)
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(k), gram.shape), atol=1e-5)
    opts = [lib.optim.SGD(m.parameters(), lr=0.1) for lib, m in ((torch, t), (ember, e))]
    target = np.random.default_rng(1).normal(size=shape)
    for step in range(3):
        losses = []
        for lib, m, opt in ((torch, t, opts[0]), (ember, e, opts[1])):
            opt.zero_grad()
            loss = (m.weight - lib.tensor(target, dtype=m.weight.dtype)).abs().pow(2).sum()
            loss.backward()
            opt.step()
            losses.append(loss)
        assert_same(losses[1], losses[0], where=f"loss {step}", rtol=1e-4, atol=1e-5)
    assert_same(e.weight, t.weight, where="weight after training", rtol=1e-4, atol=1e-5)


def test_assignment_keeps_an_orthogonal_value():
    t, e = _both((4, 4), None, True, "float64")
    q = torch.linalg.qr(torch.randn(4, 4, dtype=torch.float64))[0]
    with torch.no_grad():
        t.weight = q
    with ember.no_grad():
        e.weight = to_ember(q)
    assert_same(e.weight, t.weight, where="assigned", rtol=1e-10, atol=1e-12)
    assert_same(e.parametrizations.weight[0].base, t.parametrizations.weight[0].base, where="base")


def test_errors_match_torch():
    for lib in (torch, ember):
        lin = lib.nn.Linear(3, 3)
        with pytest.raises(ValueError, match="has to be one of"):
            lib.nn.utils.parametrizations.orthogonal(lin, orthogonal_map="qr")
        with pytest.raises(ValueError, match="no parameter or buffer with name 'w'"):
            lib.nn.utils.parametrizations.orthogonal(lin, name="w")
        with pytest.raises(ValueError, match="Got a tensor of 1 dimensions"):
            lib.nn.utils.parametrizations.orthogonal(lin, name="bias")
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.ones(3, 3, dtype=lib.complex64))
        with pytest.raises(ValueError, match="householder parametrization does not support"):
            lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map="householder")
        lin = lib.nn.Linear(3, 3)
        lib.nn.utils.parametrizations.orthogonal(lin, use_trivialization=False)
        with pytest.raises(NotImplementedError, match="use_trivialization=False"), lib.no_grad():
            lin.weight = lib.eye(3)
        lin = lib.nn.Linear(3, 3)
        lib.nn.utils.parametrizations.orthogonal(lin)
        with pytest.raises(ValueError, match="Expected a matrix or batch of matrices of shape"), \
                lib.no_grad():
            lin.weight = lib.eye(2)
