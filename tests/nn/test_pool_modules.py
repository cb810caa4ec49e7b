"""Pooling, upsampling and padding layers against torch: repr, forward and input grads (the
layers are thin over nn.functional, so one grid of constructor arguments per layer suffices)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises

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
    ("Upsample", (), {"scale_factor": 2}, (2, 3, 4, 5)),
    ("Upsample", (), {"size": (5, 7), "mode": "bilinear"}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": (1.5, 2), "mode": "bicubic", "align_corners": True},
     (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "linear", "recompute_scale_factor": True},
     (2, 3, 5)),
    ("Upsample", (), {"size": 3, "mode": "nearest-exact"}, (1, 2, 4, 5, 3)),
    ("UpsamplingNearest2d", (), {"scale_factor": 2}, (2, 3, 4, 5)),
    ("UpsamplingBilinear2d", (), {"size": (6, 3)}, (2, 3, 4, 5)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 2)),
    ("PixelUnshuffle", (2,), {}, (2, 2, 4, 6)),
    ("ChannelShuffle", (3,), {}, (2, 6, 2, 2)),
    ("Unfold", ((2, 3),), {"padding": 1, "stride": 2}, (2, 3, 5, 6)),
    ("Fold", ((4, 5), 2), {}, (2, 12, 12)),
    ("ZeroPad1d", ((1, 2),), {}, (2, 3, 4)),
    ("ZeroPad2d", (1,), {}, (2, 3, 4, 4)),
    ("ZeroPad3d", ((1, 0, 2, 1, 0, 1),), {}, (1, 2, 3, 3, 3)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 3, 4)),
    ("ConstantPad2d", ((1, 0, 2, 1), -1.0), {}, (2, 3, 4, 4)),
    ("ConstantPad3d", (1, 0.5), {}, (1, 2, 3, 3, 3)),
    ("ReflectionPad1d", (2,), {}, (2, 3, 4)),
    ("ReflectionPad2d", ((1, 2, 0, 3),), {}, (2, 3, 4, 4)),
    ("ReflectionPad3d", (1,), {}, (1, 2, 3, 3, 3)),
    ("ReplicationPad1d", ((3, 1),), {}, (2, 3, 4)),
    ("ReplicationPad2d", (2,), {}, (3, 4, 4)),
    ("ReplicationPad3d", ((1, 0, 2, 1, 0, 1),), {}, (1, 2, 3, 3, 3)),
    ("CircularPad1d", (2,), {}, (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 0, 3),), {}, (2, 3, 4, 4)),
    ("CircularPad3d", (1,), {}, (1, 2, 3, 3, 3)),
]


@pytest.mark.parametrize("name,args,kw,shape", CASES)
def test_module(name, args, kw, shape):
    t = getattr(torch.nn, name)(*args, **kw)
    e = getattr(ember.nn, name)(*args, **kw)
    assert repr(e) == repr(t)
    check(lambda lib, x: getattr(lib.nn, name)(*args, **kw)(x), shapes=[shape])


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
