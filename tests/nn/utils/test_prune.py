"""nn.utils.prune against torch: every method and helper on the same weights and seeds (masks,
pruned values, state_dict keys, repeated pruning through PruningContainer, global pruning,
remove, errors)."""
from __future__ import annotations

import pytest
import torch
import torch.nn.utils.prune

import ember
from tests.oracle import assert_same, compare_module, module_pair


def _conv(lib):
    return lib.nn.Conv2d(3, 6, 3)


def _pruned(steps):
    """(torch, ember) conv modules after `steps(lib, module)`, the same seed before each step."""
    def ctor(lib):
        m = _conv(lib)
        lib.manual_seed(1)
        steps(lib, m)
        return m
    return module_pair(ctor, init="seed")


STEPS = {
    "l1_unstructured": lambda lib, m: lib.nn.utils.prune.l1_unstructured(m, "weight", 0.3),
    "l1_int_amount_bias": lambda lib, m: lib.nn.utils.prune.l1_unstructured(m, "bias", 2),
    "random_unstructured": lambda lib, m: lib.nn.utils.prune.random_unstructured(m, "weight",
                                                                                 0.5),
    "random_structured": lambda lib, m: lib.nn.utils.prune.random_structured(m, "weight", 0.5,
                                                                             dim=0),
    "ln_structured": lambda lib, m: lib.nn.utils.prune.ln_structured(m, "weight", 2, n=2,
                                                                     dim=1),
    "ln_structured_inf": lambda lib, m: lib.nn.utils.prune.ln_structured(
        m, "weight", 0.5, n=float("inf"), dim=0),
    "identity": lambda lib, m: lib.nn.utils.prune.identity(m, "weight"),
    "custom_from_mask": lambda lib, m: lib.nn.utils.prune.custom_from_mask(
        m, "bias", mask=lib.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0])),
    "container_then_structured": lambda lib, m: (
        lib.nn.utils.prune.l1_unstructured(m, "weight", 0.2),
        lib.nn.utils.prune.ln_structured(m, "weight", 0.5, n=1, dim=0),
        lib.nn.utils.prune.random_unstructured(m, "weight", 0.1)),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_pruning_methods(name):
    t, e = _pruned(STEPS[name])  # init="seed": masks and originals equal torch's bit for bit
    assert list(e.state_dict()) == list(t.state_dict())
    for attr in ("weight", "bias"):
        assert_same(getattr(e, attr), getattr(t, attr), rtol=0, atol=0, where=attr)
    assert ember.nn.utils.prune.is_pruned(e) == torch.nn.utils.prune.is_pruned(t)
    x = torch.randn(2, 3, 5, 5).numpy()
    compare_module(t, e, [x])


def test_container_and_remove():
    t, e = _pruned(STEPS["container_then_structured"])
    for lib, m in ((torch, t), (ember, e)):
        hook = next(h for h in m._forward_pre_hooks.values()
                    if isinstance(h, lib.nn.utils.prune.BasePruningMethod))
        assert type(hook).__name__ == "PruningContainer" and len(hook) == 3
        lib.nn.utils.prune.remove(m, "weight")
        assert not lib.nn.utils.prune.is_pruned(m)
    assert list(e.state_dict()) == list(t.state_dict())
    assert isinstance(e.weight, ember.nn.Parameter)
    assert_same(e.weight, t.weight, rtol=0, atol=0)


def test_global_unstructured_and_importance_scores():
    def ctor(lib):
        model = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Linear(5, 3))
        lib.nn.utils.prune.global_unstructured(
            [(model[0], "weight"), (model[1], "weight")],
            pruning_method=lib.nn.utils.prune.L1Unstructured, amount=7)
        scores = lib.arange(15.0).view(3, 5)
        lib.nn.utils.prune.l1_unstructured(model[1], "bias", 1,
                                           importance_scores=lib.tensor([3.0, 1.0, 2.0]))
        lib.nn.utils.prune.l1_unstructured(model[1], "weight", 2, importance_scores=scores)
        return model
    t, e = module_pair(ctor, init="seed")
    for i in range(2):
        assert_same(e[i].weight, t[i].weight, rtol=0, atol=0)
        assert_same(e[i].weight_mask, t[i].weight_mask, rtol=0, atol=0)


def test_prune_tensor_directly_and_errors():
    for lib in (torch, ember):
        with pytest.raises(TypeError, match="Invalid type for amount"):
            lib.nn.utils.prune.L1Unstructured(amount="a")
        with pytest.raises(ValueError, match="should either be a float in the range"):
            lib.nn.utils.prune.L1Unstructured(amount=1.5)
        with pytest.raises(ValueError, match="should be smaller than the number of parameters"):
            lib.nn.utils.prune.l1_unstructured(lib.nn.Linear(2, 2), "bias", 3)
        with pytest.raises(ValueError, match="Structured pruning can only be applied"):
            lib.nn.utils.prune.ln_structured(lib.nn.Linear(2, 2), "bias", 1, n=2, dim=0)
        with pytest.raises(ValueError, match="has to be pruned before pruning can be removed"):
            lib.nn.utils.prune.remove(lib.nn.Linear(2, 2), "weight")
        with pytest.raises(TypeError, match='Only "unstructured" PRUNING_TYPE'):
            lib.nn.utils.prune.global_unstructured(
                [(lib.nn.Linear(2, 2), "weight")],
                pruning_method=lib.nn.utils.prune.RandomStructured, amount=1)
    t_w = torch.tensor([[-2.0, 0.5, 0.0], [1.5, 2.0, -3.0]])
    e_w = ember.tensor(t_w.numpy())
    t_out = torch.nn.utils.prune.L1Unstructured(amount=2).prune(t_w)
    e_out = ember.nn.utils.prune.L1Unstructured(amount=2).prune(e_w)
    assert_same(e_out, t_out)
