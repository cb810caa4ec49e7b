"""nn.utils.parameters_to_vector / vector_to_parameters (ember/nn/utils/convert_parameters.py)
against torch."""
from __future__ import annotations

import numpy as np
import torch

import ember
from tests.oracle import assert_same

LIBS = (torch, ember)


def test_parameters_to_vector_and_back():
    rng = np.random.default_rng(6)
    arrays = [rng.normal(size=s).astype(np.float32) for s in [(2, 3), (4,), (), (1, 2, 2)]]
    res = {}
    for lib in LIBS:
        ps = [lib.nn.Parameter(lib.tensor(a)) for a in arrays]
        v = lib.nn.utils.parameters_to_vector(ps)
        (v * lib.arange(v.numel(), dtype=lib.float32)).sum().backward()
        new = lib.arange(v.numel(), dtype=lib.float32) * 0.5
        lib.nn.utils.vector_to_parameters(new, ps)
        res[lib] = [v, *[p.grad for p in ps], *ps, *[lib.tensor(p.requires_grad) for p in ps]]
        assert all(type(p) is lib.nn.Parameter for p in ps)
    assert_same(res[ember], res[torch])
    assert res[ember][0].grad_fn is not None


def test_vector_to_parameters_shares_memory_and_errors():
    for lib in LIBS:
        ps = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1, 2))]
        vec = lib.arange(4, dtype=lib.float32)
        lib.nn.utils.vector_to_parameters(vec, ps)
        vec.add_(10)
        assert ps[1].tolist() == [[12.0, 13.0]]
    errs = []
    for lib in LIBS:
        try:
            lib.nn.utils.vector_to_parameters([1.0], [lib.nn.Parameter(lib.ones(1))])
        except TypeError as exc:
            errs.append(str(exc))
    assert errs == ["expected torch.Tensor, but got: list"] * 2
