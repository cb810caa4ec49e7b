"""nn.LinearCrossEntropyLoss / F.linear_cross_entropy / LinearCrossEntropyOptions against torch:
2-d and K-dimensional heads, bias, class weights, ignore_index None or given, label smoothing,
options (ember computes the reference path: the same numbers), repr and state_dict."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises, compare_module, module_pair

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 4)).astype("float32")


@pytest.mark.parametrize("kwargs,target", [
    ({}, RNG.integers(0, 5, 6)),
    ({"bias": True, "ignore_index": 1, "label_smoothing": 0.1}, RNG.integers(0, 5, 6)),
    ({"out_features": (3,), "bias": True, "reduction": "none"}, RNG.integers(0, 5, (6, 3))),
    ({"out_features": (2, 2), "reduction": "sum"}, RNG.integers(0, 5, (6, 2, 2))),
])
def test_module(kwargs, target):
    t, e = module_pair("LinearCrossEntropyLoss", 4, 5, init="seed", **kwargs)
    assert repr(e) == repr(t)
    compare_module(t, e, [X], target=target)


def test_class_weights_buffer_and_options():
    t, e = module_pair(lambda lib: lib.nn.LinearCrossEntropyLoss(
        4, 3, weight=lib.tensor([1.0, 2.0, 0.5]), options=lib.nn.LinearCrossEntropyOptions()),
        init="seed")
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight", "linear.weight"]
    assert repr(e) == repr(t)
    compare_module(t, e, [X], target=RNG.integers(0, 3, 6))


def test_functional_and_errors():
    check(lambda lib, x, w, b: lib.nn.functional.linear_cross_entropy(
        x, w, lib.tensor([0, 2, 1, 1, 0, 2]), linear_bias=b), shapes=[(6, 4), (3, 4), (3,)])
    check(lambda lib, x, w: lib.nn.functional.linear_cross_entropy(x, w, lib.tensor(2)),
          shapes=[(4,), (3, 4)])
    check_raises(lambda lib, x, w: lib.nn.functional.linear_cross_entropy(
        x, w, lib.zeros(2, 5, dtype=lib.long)), shapes=[(2, 5, 4), (3, 4)])


def test_factory_kwargs():
    for lib in (torch, ember):
        assert lib.nn.factory_kwargs({"device": "cpu", "factory_kwargs": {"dtype": 1}}) == \
            {"dtype": 1, "device": "cpu"}
        assert lib.nn.factory_kwargs(None) == {}
        with pytest.raises(TypeError, match="unexpected kwargs"):
            lib.nn.factory_kwargs({"bias": True})
        with pytest.raises(TypeError, match="specified twice"):
            lib.nn.factory_kwargs({"dtype": 1, "factory_kwargs": {"dtype": 2}})
