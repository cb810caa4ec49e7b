"""Upsample, pixel and channel shuffles, Fold and Unfold (ember/nn/modules/upsampling.py)
against torch: repr, forward and input grads."""
from __future__ import annotations

import pytest

from tests.oracle import check_module

CASES = [
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
]


@pytest.mark.parametrize("name,args,kw,shape", CASES)
def test_module(name, args, kw, shape):
    t, e = check_module(name, args, shapes=[shape], kwargs=kw)
    assert repr(e) == repr(t)
