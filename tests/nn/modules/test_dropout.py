"""The dropout layers (ember/nn/modules/dropout.py) against torch: repr, train/eval, errors."""

import pytest
import torch

import ember
from tests.oracle import check


@pytest.mark.parametrize("name", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                                  "AlphaDropout", "FeatureAlphaDropout"])
def test_modules_repr_train_eval(name):
    shape = {"Dropout1d": (2, 3, 4), "Dropout3d": (2, 3, 2, 2, 2)}.get(name, (2, 3, 4, 4))
    for kw in ({}, {"p": 0.2, "inplace": True}):
        t, e = getattr(torch.nn, name)(**kw), getattr(ember.nn, name)(**kw)
        assert repr(e) == repr(t)

    def fn(lib, x):
        m = getattr(lib.nn, name)(0.3)
        lib.manual_seed(5)
        a = m(x)
        m.eval()
        return a, m(x)
    check(fn, shapes=[shape])


def test_module_bad_probability():
    with pytest.raises(ValueError, match="between 0 and 1, but got 2"):
        ember.nn.Dropout(2)
