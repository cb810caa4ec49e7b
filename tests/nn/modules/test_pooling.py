"""The pooling layers (ember/nn/modules/pooling.py) against torch: repr, forward and input grads
(the layers are thin over nn.functional, so one grid of constructor arguments per layer suffices)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_module, check_raises

CASES = [
    ("MaxPool1d", (3,), {}, (2, 3, 9)),
    ("MaxPool1d", (3, 2, 1), {"dilation": 2, "ceil_mode": True}, (2, 3, 9)),
    ("MaxPool1d", (2,), {"return_indices": True}, (3, 8)),
    ("MaxPool2d", (2,), {}, (2, 3, 6, 6)),
    ("MaxPool2d", ((3, 2), (2, 1), 1), {"ceil_mode": True, "return_indices": True}, (2, 3, 7, 6)),
    ("MaxPool3d", (2,), {"stride": 1, "padding": 1, "dilation": (1, 2, 1)}, (1, 2, 4, 5, 4)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 9)),
    ("AvgPool2d", (2,), {}, (2, 3, 6, 6)),
    ("AvgPool2d", ((3, 2), 2, 1), {"ceil_mode": True, "divisor_override": 4}, (2, 3, 7, 6)),
    ("AvgPool3d", (2,), {"stride": 1, "padding": 1, "count_include_pad": False}, (1, 2, 4, 5, 4)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 3, 7, 6)),
    ("AdaptiveAvgPool3d", (2,), {}, (1, 2, 4, 5, 3)),
    ("AdaptiveMaxPool1d", (4,), {"return_indices": True}, (2, 3, 9)),
    ("AdaptiveMaxPool2d", ((3, 4),), {}, (2, 3, 7, 6)),
    ("LPPool1d", (2, 3), {}, (2, 3, 9)),
    ("LPPool2d", (3, (2, 2)), {"stride": 1, "ceil_mode": True}, (2, 3, 5, 5)),
    ("AdaptiveMaxPool3d", ((2, None, 3),), {"return_indices": True}, (1, 2, 5, 4, 7)),
    ("AdaptiveMaxPool3d", (1,), {}, (2, 4, 3, 3)),
    ("LPPool3d", (2, 2), {}, (1, 2, 4, 4, 4)),
    ("LPPool3d", (1.5, (2, 1, 2)), {"stride": (1, 2, 1), "ceil_mode": True}, (2, 3, 5, 5)),
]



@pytest.mark.parametrize("name,args,kw,shape", CASES)
def test_module(name, args, kw, shape):
    t, e = check_module(name, args, shapes=[shape], kwargs=kw)
    assert repr(e) == repr(t)


def test_max_unpool_modules():
    for nd, shape in [(1, (2, 3, 8)), (2, (2, 3, 6, 6)), (3, (1, 2, 4, 4, 4))]:
        assert repr(getattr(ember.nn, f"MaxUnpool{nd}d")(2)) == \
            repr(getattr(torch.nn, f"MaxUnpool{nd}d")(2))

        def fn(lib, x, nd=nd):
            y, i = getattr(lib.nn, f"MaxPool{nd}d")(2, return_indices=True)(x)
            return getattr(lib.nn, f"MaxUnpool{nd}d")(2)(y, i)
        check(fn, shapes=[shape])
    check(lambda lib, x: lib.nn.MaxUnpool2d(2)(*lib.nn.MaxPool2d(2, return_indices=True)(x),
                                               output_size=[7, 7]), shapes=[(1, 2, 7, 7)])


def test_repr_defaults_and_attributes():
    for name, args in [("MaxPool2d", (3, 1)), ("AvgPool1d", (3,)), ("AvgPool3d", ((1, 2, 3),)),
                       ("AdaptiveMaxPool2d", (None,)), ("LPPool2d", (1.5, 2, 2)),
                       ("Upsample", (None, (2, 3))), ("Fold", (4, 2, 1, 1, 2)),
                       ("Unfold", ((2, 3), 1, 0, (1, 2)))]:
        t = getattr(torch.nn, name)(*args)
        e = getattr(ember.nn, name)(*args)
        assert repr(e) == repr(t)
        for attr in ("kernel_size", "stride", "padding", "scale_factor", "output_size"):
            if hasattr(t, attr):
                assert getattr(e, attr) == getattr(t, attr), attr


def test_module_errors():
    x = np.zeros((2, 3), dtype=np.float32)
    check_raises(lambda lib, t: lib.nn.CircularPad2d(1)(t), inputs=[x])
    check_raises(lambda lib, t: lib.nn.MaxPool2d(2)(t), inputs=[x])
    check_raises(lambda lib, t: lib.nn.Upsample(scale_factor=2)(t), inputs=[x])


FRACTIONAL = [
    ("FractionalMaxPool2d", ((2, 3),), {"output_size": (4, 5), "return_indices": True},
     (2, 3, 7, 9)),
    ("FractionalMaxPool2d", (3,), {"output_ratio": 0.5}, (3, 9, 8)),
    ("FractionalMaxPool2d", (2,), {"output_size": 1}, (1, 2, 5, 5)),
    ("FractionalMaxPool3d", ((2, 3, 2),), {"output_size": (3, 4, 5), "return_indices": True},
     (2, 3, 6, 7, 8)),
    ("FractionalMaxPool3d", (2,), {"output_ratio": (0.5, 0.6, 0.7)}, (2, 5, 6, 7)),
]


@pytest.mark.parametrize("name,args,kw,shape", FRACTIONAL)
def test_fractional_max_pool_draws_and_values(name, args, kw, shape):
    # the random window placement is drawn from each framework's generator after the same seed
    t, e = check_module(name, args, shapes=[shape], kwargs=kw, seed=3)
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fractional_max_pool_given_samples(dtype):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 11, 10)).astype(dtype)
    s = rng.uniform(size=(2, 3, 2)).astype(dtype)
    check(lambda lib, x: lib.nn.functional.fractional_max_pool2d(
        x, 3, output_size=(5, 4), return_indices=True, _random_samples=lib.tensor(s)),
        inputs=[x])


def test_fractional_max_pool_errors():
    x = np.zeros((1, 2, 7, 9), dtype=np.float32)
    check_raises(lambda lib, t: lib.nn.functional.fractional_max_pool2d(t, 5, output_size=(4, 5)),
                 inputs=[x])
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="requires specifying either an output size"):
            lib.nn.FractionalMaxPool2d(2)
        with pytest.raises(ValueError, match="output_ratio must be between 0 and 1"):
            lib.nn.FractionalMaxPool3d(2, output_ratio=1.5)
