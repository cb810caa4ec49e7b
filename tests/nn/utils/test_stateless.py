"""nn.utils.stateless.functional_call: a call with parameters and buffers swapped in (tied weights,
strict key checks, several dicts), differential against torch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, module_pair

X = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")


def _tied(lib):
    class Tied(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Linear(3, 3, bias=False)
            self.b = lib.nn.Linear(3, 3, bias=False)
            self.b.weight = self.a.weight
            self.register_buffer("shift", lib.ones(3))

        def forward(self, x):
            return self.a(x) + self.b(x) + self.shift
    return Tied()


def _call(lib, m, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return lib.nn.utils.stateless.functional_call(m, *args, **kwargs)


@pytest.mark.parametrize("tie", [True, False])
def test_functional_call_matches_torch_and_restores(tie):
    t, e = module_pair(_tied)
    w = np.arange(9, dtype="float32").reshape(3, 3) / 10
    outs = {}
    for lib, m, conv in ((torch, t, torch.from_numpy), (ember, e, ember.tensor)):
        before = [p.clone() for p in m.parameters()]
        weight = conv(w.copy()).requires_grad_(True)
        out = _call(lib, m, {"a.weight": weight, "shift": conv(np.zeros(3, "float32"))},
                    (conv(X.copy()),), tie_weights=tie)
        out.sum().backward()
        outs[lib] = (out, weight.grad)
        for p, b in zip(m.parameters(), before):
            assert (p == b).all()
        assert m.b.weight is m.a.weight
    assert_same(list(outs[ember]), list(outs[torch]))


def test_functional_call_errors_and_warning():
    t, e = module_pair(_tied)
    msgs = {}
    for lib, m in ((torch, t), (ember, e)):
        x = lib.ones(1, 3)
        with pytest.raises(RuntimeError) as err:
            _call(lib, m, {"a.weight": lib.ones(3, 3), "foo": lib.ones(1)}, x, strict=True)
        msgs[lib] = str(err.value)
        with pytest.raises(ValueError, match="which are tied"):
            _call(lib, m, {"a.weight": lib.ones(3, 3), "b.weight": lib.zeros(3, 3)}, x)
        with pytest.warns(FutureWarning, match="torch.func.functional_call"):
            lib.nn.utils.stateless.functional_call(m, {}, x)
    assert msgs[ember] == msgs[torch]
