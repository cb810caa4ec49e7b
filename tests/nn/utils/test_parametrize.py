"""nn.utils.parametrize: register/remove parametrizations, the Parametrized<Class> swap, state_dict
keys, caching and errors, differential against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair, to_ember


def _sym(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(-1, -2)

        def right_inverse(self, a):
            return a.triu()
    return Symmetric


def _scale(lib):
    class Scale(lib.nn.Module):
        def forward(self, x):
            return x * 2

        def right_inverse(self, a):
            return a / 2
    return Scale


def _parametrized_linear(lib, n_params=1, on="weight"):
    m = lib.nn.Linear(3, 3)
    for i in range(n_params):
        ctor = _sym(lib) if i == 0 else _scale(lib)
        lib.nn.utils.parametrize.register_parametrization(m, on, ctor())
    return m


@pytest.mark.parametrize("n_params", [1, 2])
def test_forward_backward_state_and_repr(n_params):
    t, e = module_pair(_parametrized_linear, n_params, init="seed")
    assert repr(e) == repr(t)
    assert type(e).__name__ == type(t).__name__ == "ParametrizedLinear"
    assert type(e).__module__ == "ember.nn.utils.parametrize"
    compare_module(t, e, [np.random.default_rng(0).normal(size=(4, 3)).astype("float32")])
    for lib, m in ((torch, t), (ember, e)):
        assert lib.nn.utils.parametrize.is_parametrized(m)
        assert lib.nn.utils.parametrize.is_parametrized(m, "weight")
        assert not lib.nn.utils.parametrize.is_parametrized(m, "bias")
        assert lib.nn.utils.parametrize.type_before_parametrizations(m) is lib.nn.Linear
    assert_same(e.weight, t.weight)


def test_assignment_goes_through_right_inverse():
    t, e = module_pair(_parametrized_linear, 2, init="seed")
    value = np.arange(9, dtype="float32").reshape(3, 3)
    t.weight = torch.from_numpy(value)
    e.weight = ember.tensor(value)
    assert_same(e.parametrizations.weight.original, t.parametrizations.weight.original)
    assert_same(e.weight, t.weight)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations(leave):
    t, e = module_pair(_parametrized_linear, 1, init="seed")
    for lib, m in ((torch, t), (ember, e)):
        lib.nn.utils.parametrize.remove_parametrizations(m, "weight", leave_parametrized=leave)
        assert type(m) is lib.nn.Linear
        assert not hasattr(m, "parametrizations")
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert isinstance(e.weight, ember.nn.Parameter)
    assert_same(e.weight, t.weight)


def test_parametrizing_a_buffer():
    def ctor(lib):
        m = lib.nn.BatchNorm1d(3)
        lib.nn.utils.parametrize.register_parametrization(m, "running_var", _scale(lib)())
        return m
    t, e = module_pair(ctor)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.running_var, t.running_var)


def test_cached_computes_once():
    calls = []

    class Counting(ember.nn.Module):
        def forward(self, x):
            calls.append(1)
            return x + 1
    m = ember.nn.Linear(2, 2)
    ember.nn.utils.parametrize.register_parametrization(m, "weight", Counting())
    calls.clear()
    with ember.nn.utils.parametrize.cached():
        a, b = m.weight, m.weight
    assert a is b and len(calls) == 1
    m.weight  # noqa: B018 - outside the block: computed again
    assert len(calls) == 2


def test_load_state_dict_from_torch():
    t, _ = module_pair(_parametrized_linear, 1)
    e2 = _parametrized_linear(ember, 1)
    e2.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    assert_same(e2.weight, t.weight)


def test_errors_match_torch():
    for lib in (torch, ember):
        m = lib.nn.Linear(2, 2)
        with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
            lib.nn.utils.parametrize.register_parametrization(m, "nope", _scale(lib)())
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            lib.nn.utils.parametrize.remove_parametrizations(m, "weight")

        class Shrink(lib.nn.Module):
            def forward(self, x):
                return x[:1]
        with pytest.raises(ValueError, match="may not change the shape"):
            lib.nn.utils.parametrize.register_parametrization(m, "weight", Shrink())


def test_pickling_a_parametrized_module_raises_like_torch():
    m = _parametrized_linear(ember, 1)
    with pytest.raises(RuntimeError, match="only supported through state_dict"):
        m.__getstate__()
