"""ember.nn.functional as a surface: explicit names that torch.nn.functional has, each defined once
in the module that owns it, and torch's checks at that boundary."""
from __future__ import annotations

import ast
import pathlib

import pytest
import torch

import ember
import ember.nn.functional as EF
from tests.oracle import check_raises

ROOT = pathlib.Path(ember.__file__).parent


def F(lib):
    return lib.nn.functional


def test_every_name_is_torch_functional():
    missing = [n for n in EF.__all__ if not hasattr(torch.nn.functional, n)]
    assert not missing, f"not in torch.nn.functional: {missing}"
    assert len(EF.__all__) == len(set(EF.__all__))
    for name in EF.__all__:  # functions where torch has functions, data where torch has data
        assert callable(getattr(EF, name)) == callable(getattr(torch.nn.functional, name)), name


def test_no_star_imports_in_nn():
    """nn.functional and the nn packages name what they import (no `import *` facades)."""
    stars = []
    for path in sorted((ROOT / "nn").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                stars.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not stars, f"star imports: {stars}"


@pytest.mark.parametrize("name", ["conv2d", "max_pool2d", "avg_pool1d", "adaptive_avg_pool2d",
                                  "interpolate", "layer_norm", "embedding", "cross_entropy",
                                  "pad", "linear", "scaled_dot_product_attention", "gelu",
                                  "dropout2d"])
def test_checks_live_in_nn_not_ops(name):
    """Each F function with torch's checks is defined under ember.nn; ops only compute."""
    assert getattr(EF, name).__module__.startswith("ember.nn."), getattr(EF, name).__module__


# ---- torch's errors at the boundary, one row per family ---------------------------------------

BAD = [
    lambda lib, x: F(lib).conv2d(x.reshape(1, 2, 3, 2), x.reshape(2, 1, 3, 2), stride=0),
    lambda lib, x: F(lib).conv_transpose1d(x.reshape(1, 2, 6), x.reshape(2, 1, 6), padding="same"),
    lambda lib, x: F(lib).max_pool2d(x.reshape(1, 3, 4), 3, padding=2),
    lambda lib, x: F(lib).avg_pool2d(x.reshape(1, 3, 4), 2, divisor_override=0),
    lambda lib, x: F(lib).adaptive_max_pool1d(x.reshape(3, 0, 4), 2),
    lambda lib, x: F(lib).interpolate(x.reshape(1, 3, 4), scale_factor=2, align_corners=True),
    lambda lib, x: F(lib).fold(x.reshape(1, 4, 3), (3, 3), 2),
    lambda lib, x: F(lib).layer_norm(x, (5,)),
    lambda lib, x: F(lib).group_norm(x.reshape(2, 6), 4),
    lambda lib, x: F(lib).batch_norm(x, None, None, training=False),
    lambda lib, x: F(lib).embedding(x, x),
    lambda lib, x: F(lib).mse_loss(x, x, reduction="avg"),
    lambda lib, x: F(lib).nll_loss(x, x),
    lambda lib, x: F(lib).pad(x, (1, 2, 3)),
    lambda lib, x: F(lib).one_hot(x),
    lambda lib, x: F(lib).linear(x, x.reshape(4, 3)),
    lambda lib, x: F(lib).scaled_dot_product_attention(x, x.reshape(4, 3), x),
    lambda lib, x: F(lib).gelu(x, approximate="erf"),
    lambda lib, x: F(lib).dropout1d(x.reshape(1, 1, 3, 4), 0.5),
    lambda lib, x: F(lib).alpha_dropout(x, 1.5),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_bad_arguments_raise_as_torch(i):
    check_raises(BAD[i], shapes=[(3, 4)])
