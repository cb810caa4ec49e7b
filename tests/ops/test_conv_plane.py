"""The flat-plane depthwise kernels (ember.ops._conv_depthwise, stride 1), the channels-last
forward for small maps and the reused scratch buffers of ember.ops.conv, against torch: forward,
input and weight gradients (second derivatives where cheap) in float32."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check

DEPTHWISE = [
    ((2, 5, 7, 6), (5, 1, 3, 3), {"padding": 1}),
    ((3, 4, 9, 9), (4, 1, 3, 3), {}),  # valid: the output is smaller than the plane
    ((2, 3, 8, 7), (3, 1, 5, 5), {"padding": 2}),
    ((2, 3, 9, 8), (3, 1, 3, 3), {"padding": 2, "dilation": 2}),
    ((2, 3, 6, 7), (3, 1, 4, 2), {"padding": "same"}),  # even kernel: asymmetric padding
    ((2, 3, 6, 7), (3, 1, 3, 3), {"padding": (1, 0), "dilation": (1, 2)}),
    ((1, 2, 6, 6), (2, 1, 1, 1), {}),
    ((2, 4, 5, 5), (4, 1, 3, 3), {"padding": 3}),  # over-padded: the einsum path
    ((2, 3, 3, 2), (3, 1, 7, 7), {"padding": 3}),  # ConvNeXt's 7x7 on maps narrower than it
]


pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def _conv(kw, bias=False):
    def fn(lib, x, w, *b):
        return lib.nn.functional.conv2d(x, w, b[0] if b else None, groups=x.shape[1], **kw)
    return fn


@pytest.mark.parametrize("xs,ws,kw", DEPTHWISE)
def test_depthwise_plane(xs, ws, kw):
    check(_conv(kw, True), shapes=[xs, ws, (ws[0],)], grad2=True)


def test_depthwise_plane_blocks(monkeypatch):
    """Several channel blocks, and a block of one channel."""
    from ember.ops import _conv_depthwise

    for elems in (1, 150):
        monkeypatch.setattr(_conv_depthwise, "_BLOCK_ELEMS", elems)
        check(_conv({"padding": 1}), shapes=[(2, 7, 5, 6), (7, 1, 3, 3)])


def test_depthwise_plane_noncontiguous():
    x = np.random.default_rng(0).uniform(-1, 1, (3, 2, 6, 5)).astype(np.float32)
    check(lambda lib, x, w: lib.nn.functional.conv2d(x.transpose(1, 0).transpose(2, 3), w,
                                                     padding=1, groups=3),
          inputs=[x, np.random.default_rng(1).uniform(-1, 1, (3, 1, 3, 3)).astype(np.float32)])


@pytest.mark.parametrize("xs,ws,kw", [
    ((3, 6, 8, 8), (16, 6, 5, 5), {}),  # LeNet's second layer, smaller
    ((2, 8, 4, 4), (12, 8, 3, 3), {"padding": 1}),
    ((2, 8, 9, 9), (12, 8, 3, 3), {"padding": 1, "stride": 2}),
    ((2, 4, 6, 5), (5, 4, 3, 2), {"padding": (2, 0), "dilation": (1, 2)}),
])
def test_conv_channels_last_forward(xs, ws, kw):
    """Small maps with >= 4 input channels take the channels-last forward."""
    check(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, **kw),
          shapes=[xs, ws, (ws[0],)], grad2=True)


def test_conv_scratch_reuse():
    """Consecutive convs of different shapes and paddings through the same scratch buffers:
    every border is zeroed again (stale values from the previous call would leak in)."""
    cases = [((2, 3, 9, 9), (4, 3, 3, 3), 3, 1), ((2, 3, 7, 7), (4, 3, 3, 3), 1, 1),
             ((2, 6, 8, 8), (3, 6, 3, 3), 2, 1), ((2, 6, 6, 6), (3, 6, 3, 3), 1, 1),
             ((2, 4, 7, 7), (4, 1, 3, 3), 2, 4), ((2, 4, 5, 5), (4, 1, 3, 3), 1, 4)]
    for xs, ws, pad, groups in cases:
        check(lambda lib, x, w, p=pad, g=groups: lib.nn.functional.conv2d(x, w, padding=p,
                                                                          groups=g),
              shapes=[xs, ws], low=1.0, high=3.0)


@pytest.mark.parametrize("xs,ws,kw", [
    ((2, 1, 8, 8), (6, 1, 5, 5), {"padding": 2}),
    ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": 1}),
    ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": 2, "dilation": 2}),
    ((2, 3, 6, 7), (4, 3, 4, 2), {"padding": "same"}),
    ((2, 3, 8, 8), (4, 3, 3, 3), {"padding": (1, 0)}),
    ((2, 2, 3, 2), (3, 2, 7, 7), {"padding": 3}),
])
def test_conv_qspace_input_grad(monkeypatch, xs, ws, kw):
    """Narrow stride-1 'same'-like convs take the q-space input gradient (one chunk, then one
    image per chunk)."""
    from ember.ops import _conv_qspace

    fn = lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, **kw)
    check(fn, shapes=[xs, ws, (ws[0],)], grad2=True)
    monkeypatch.setattr(_conv_qspace, "_COLS_BUDGET", 1)
    check(fn, shapes=[xs, ws, (ws[0],)])
