"""ember.compile against torch.compile: same results (run eagerly), OptimizedModule's `_orig_mod`
wrapping and state_dict keys, decorator forms, and torch's errors for bad arguments."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember


def _linear(lib):
    lib.manual_seed(0)
    return lib.nn.Linear(3, 2)


def test_compiled_module_wraps_and_matches_torch():
    tm, em = _linear(torch), _linear(ember)
    tc, ec = torch.compile(tm), ember.compile(em)
    assert type(ec).__name__ == type(tc).__name__ == "OptimizedModule"
    assert ec._orig_mod is em
    assert list(ec.state_dict()) == list(tc.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    assert ec.in_features == tc.in_features == 3  # attributes reach the wrapped module
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(ec(ember.from_numpy(x)).detach().numpy(),
                               tc(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_function_and_decorator_forms():
    for lib in (torch, ember):  # torch's "eager" backend: no C compiler needed in CI
        f = lib.compile(lambda x: x * 2 + 1, backend="eager")

        @lib.compile(backend="eager", fullgraph=True, dynamic=False)
        def h(x):
            return x - 1

        x = lib.ones(2)
        assert f(x).tolist() == [3.0, 3.0]
        assert h(x).tolist() == [0.0, 0.0]
        assert h.__name__ == "h"

    @ember.compile  # the bare decorator (torch would build an inductor kernel here)
    def g(x):
        return x.exp()

    assert g(ember.ones(2)).tolist() == pytest.approx(torch.ones(2).exp().tolist(), rel=1e-6)
    assert g.__name__ == "g"


@pytest.mark.parametrize("bad", [lambda lib: lib.compile(3),
                                 lambda lib: lib.compile(lambda x: x, mode="bad")])
def test_bad_arguments_raise_torchs_errors(bad):
    with pytest.raises(Exception) as want:
        bad(torch)
    with pytest.raises(want.type) as got:
        bad(ember)
    assert str(got.value) == str(want.value)
