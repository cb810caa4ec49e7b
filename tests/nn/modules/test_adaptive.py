"""nn.AdaptiveLogSoftmaxWithLoss against torch: repr, seeded init, forward output and loss with
gradients (targets in the shortlist and in every cluster), unbatched input, log_prob, predict,
argument and target errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair

RNG = np.random.default_rng(0)
X = RNG.normal(size=(9, 16)).astype("float32")
TARGET = np.array([0, 3, 4, 7, 8, 9, 12, 2, 14])


def _pair(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about zero-element Linear layers
        return module_pair("AdaptiveLogSoftmaxWithLoss", 16, 15, [4, 8, 12], init="seed",
                           **kwargs)


@pytest.mark.parametrize("kwargs", [{}, {"div_value": 2.0, "head_bias": True}])
def test_forward_loss_and_gradients(kwargs):
    t, e = _pair(**kwargs)
    assert repr(e) == repr(t)
    compare_module(t, e, [X], target_=TARGET)


def test_unbatched_log_prob_and_predict():
    t, e = _pair()
    compare_module(t, e, [X[0]], target_=np.array(9))
    for method in ("log_prob", "predict"):
        outs = []
        for lib, m in ((torch, t), (ember, e)):
            x = torch.from_numpy(X) if lib is torch else ember.tensor(X)
            with lib.no_grad():
                outs.append(getattr(m, method)(x))
            with pytest.raises(IndexError):  # torch's methods take (N, in_features) only
                getattr(m, method)(x[0])
        assert_same(outs[1], outs[0])


@pytest.mark.parametrize("cutoffs", [[], [4, 2], [0, 4], [4, 15], [4, 4]])
def test_bad_cutoffs(cutoffs):
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="cutoffs should be"):
            lib.nn.AdaptiveLogSoftmaxWithLoss(16, 15, cutoffs)


def test_bad_targets():
    t, e = _pair()
    for lib, m in ((torch, t), (ember, e)):
        x = lib.zeros(3, 16)
        with pytest.raises(RuntimeError, match="Target values should be in \\[0, 14\\]"):
            m(x, lib.tensor([0, 15, 2]))
        with pytest.raises(RuntimeError, match="same size in the batch dimension"):
            m(x, lib.tensor([0, 1]))
