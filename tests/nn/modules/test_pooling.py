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
