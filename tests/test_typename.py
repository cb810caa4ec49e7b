"""ember.typename against torch.typename, and the optimizer error that names a bad param with it
(it once printed ember's own module path)."""
from __future__ import annotations

import pytest
import torch

import ember


@pytest.mark.parametrize("make", [lambda f: f.ones(2), lambda f: f.ones(2, dtype=f.int64),
                                  lambda f: 3, lambda f: "s", lambda f: f.nn.Linear,
                                  lambda f: f.nn.Linear(1, 1), lambda f: f.optim.SGD])
def test_typename_like_torch(make):
    assert ember.typename(make(ember)) == torch.typename(make(torch))


def test_optimizer_names_a_bad_param_like_torch():
    with pytest.raises(TypeError) as want:
        torch.optim.SGD([torch.nn.Linear(2, 2)], lr=0.1)
    with pytest.raises(TypeError) as got:
        ember.optim.SGD([ember.nn.Linear(2, 2)], lr=0.1)
    assert str(got.value) == str(want.value)
