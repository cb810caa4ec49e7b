"""The oracle itself (tests/oracle.py): the tolerance table is looked up as documented, and the
module harness fails on a wrong value, a wrong gradient, a wrong buffer and a different init."""
from __future__ import annotations

import pytest
import torch

import ember
from tests.oracle import GRAD_SLACK, check_module, module_pair, tolerance


def test_tolerance_lookup():
    assert tolerance("float32") == (1.3e-5, 1e-5)
    assert tolerance("float32", order=2) == (1.3e-5 * GRAD_SLACK ** 2, 1e-5 * GRAD_SLACK ** 2)
    assert tolerance("float32", "no such op", 1) == tolerance("float32", order=1)
    assert tolerance("float64", "MultiheadAttention", 1) == tolerance("float64", order=1)
    assert tolerance("float32", "LSTM", 1) == tolerance("float32", "LSTM", 0) == (5.2e-5, 4e-5)
    assert tolerance("float32", "group_norm", 1) == (1e-3, 1e-4)
    assert tolerance("float16", "sum", 2) == (2e-3 * GRAD_SLACK, 4e-3 * GRAD_SLACK)
    assert tolerance("int64") == (0.0, 0.0)


def _scale(ember_forward):
    """A one-parameter module; ember's forward is replaced by `ember_forward(x, w)`."""
    def ctor(lib):
        class Scale(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = lib.nn.Parameter(lib.linspace(0.5, 1.5, 3))
                self.register_buffer("calls", lib.zeros(()))

            def forward(self, x):
                self.calls += 1
                return x * self.w if lib is torch else ember_forward(self, x)
        return Scale()
    return ctor


def test_check_module_passes_on_the_same_module():
    check_module(_scale(lambda m, x: x * m.w), shapes=[(2, 3)])


@pytest.mark.parametrize("forward,where", [
    (lambda m, x: x * m.w * 1.001, "output"),                                     # a value
    (lambda m, x: (x * m.w).detach() + 0.5 * (x * m.w - (x * m.w).detach()), "grad"),  # a grad
    (lambda m, x: (m.calls.add_(1), x * m.w)[1], "calls"),                        # a buffer
])
def test_check_module_fails_on_a_difference(forward, where):
    with pytest.raises(AssertionError, match=where):
        check_module(_scale(forward), shapes=[(2, 3)])


def test_module_pair_seed_init_detects_other_draws():
    def ctor(lib):
        if lib is ember:
            ember.manual_seed(1)
        return lib.nn.Linear(3, 2)
    module_pair(ctor, init="copy")
    with pytest.raises(AssertionError, match="init"):
        module_pair(ctor, init="seed")
